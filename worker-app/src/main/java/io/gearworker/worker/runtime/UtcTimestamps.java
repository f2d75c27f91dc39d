package io.gearworker.worker.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The event log's {@code ts}: exactly {@link Instant#toString()} (ISO-8601, UTC, the fraction in groups of three
 * digits, none when zero), written as ASCII straight into the line's buffer, without a formatter, a builder or a
 * String per line. The date and time up to the second are formatted once per second and kept as bytes; only the
 * fraction is written per call, a group of three digits at a time from a table.
 */
final class UtcTimestamps {

    /** The longest text: a sign and ten digits of year, and all nine digits of fraction. */
    static final int MAX_LENGTH = Instant.MAX.toString().length();

    /** Instants in years 0000..9999 print without a sign; outside, {@link Instant#toString()} does the work. */
    private static final long MIN_SECOND = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);
    /** "000" to "999", three bytes each: a fraction is written in groups of three digits. */
    private static final byte[] THREE_DIGITS = threeDigits();

    private final Clock clock;
    private volatile Second last = new Second(Long.MIN_VALUE, new byte[0]);

    UtcTimestamps(Clock clock) {
        this.clock = clock;
    }

    /** A second's date and time as ASCII, e.g. {@code 2026-12-03T09:30:00}. */
    private record Second(long epochSecond, byte[] text) {
    }

    /** Writes the clock's instant at {@code at}, where {@link #MAX_LENGTH} bytes are free; returns the end. */
    int writeNow(byte[] into, int at) {
        return write(clock.instant(), into, at);
    }

    /** Writes {@code instant} at {@code at}, where {@link #MAX_LENGTH} bytes are free; returns the end. */
    int write(Instant instant, byte[] into, int at) {
        long second = instant.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            byte[] text = instant.toString().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, into, at, text.length);
            return at + text.length;
        }
        Second s = last;
        if (s.epochSecond() != second) {
            String text = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            // LocalDateTime leaves out the seconds when they are 0; Instant always prints them
            s = new Second(second, (text.length() == 16 ? text + ":00" : text).getBytes(StandardCharsets.US_ASCII));
            last = s;
        }
        byte[] text = s.text();
        System.arraycopy(text, 0, into, at, text.length);
        at += text.length;
        int nano = instant.getNano();
        if (nano != 0) {
            into[at++] = '.';
            int millis = nano / 1_000_000;
            int belowMillis = nano - millis * 1_000_000;
            at = group(millis, into, at);
            if (belowMillis != 0) {
                int micros = belowMillis / 1_000;
                int nanos = belowMillis - micros * 1_000;
                at = group(micros, into, at);
                if (nanos != 0) {
                    at = group(nanos, into, at);
                }
            }
        }
        into[at++] = 'Z';
        return at;
    }

    private static int group(int value, byte[] into, int at) {
        System.arraycopy(THREE_DIGITS, 3 * value, into, at, 3);
        return at + 3;
    }

    private static byte[] threeDigits() {
        byte[] digits = new byte[3 * 1000];
        for (int i = 0; i < 1000; i++) {
            digits[3 * i] = (byte) ('0' + i / 100);
            digits[3 * i + 1] = (byte) ('0' + i / 10 % 10);
            digits[3 * i + 2] = (byte) ('0' + i % 10);
        }
        return digits;
    }
}
