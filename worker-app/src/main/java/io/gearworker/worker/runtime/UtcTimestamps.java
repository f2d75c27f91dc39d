package io.gearworker.worker.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The event log's {@code ts}: exactly {@link Instant#toString()} (ISO-8601, UTC, the fraction in groups of three
 * digits, none when zero), without its formatter on every line. The date and time up to the second are formatted
 * once per second and kept; only the fraction is written per call.
 */
final class UtcTimestamps {

    /** Instants in years 0000..9999 print without a sign; outside, {@link Instant#toString()} does the work. */
    private static final long MIN_SECOND = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private final Clock clock;
    private volatile Second last = new Second(Long.MIN_VALUE, "");

    UtcTimestamps(Clock clock) {
        this.clock = clock;
    }

    private record Second(long epochSecond, String text) {
    }

    String now() {
        return format(clock.instant());
    }

    String format(Instant instant) {
        long second = instant.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            return instant.toString();
        }
        Second s = last;
        if (s.epochSecond() != second) {
            String text = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            // LocalDateTime leaves out the seconds when they are 0; Instant always prints them
            s = new Second(second, text.length() == 16 ? text + ":00" : text);
            last = s;
        }
        StringBuilder text = new StringBuilder(30).append(s.text());
        int nano = instant.getNano();
        if (nano != 0) {
            text.append('.');
            int digits;
            int value;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                value = nano / 1_000_000;
            } else if (nano % 1_000 == 0) {
                digits = 6;
                value = nano / 1_000;
            } else {
                digits = 9;
                value = nano;
            }
            String v = Integer.toString(value);
            text.append("000000000", 0, digits - v.length()).append(v);
        }
        return text.append('Z').toString();
    }
}
