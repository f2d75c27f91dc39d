package io.gearworker.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The event log's {@code ts} is exactly what {@link Instant#toString()} prints, whatever the precision. */
class UtcTimestampsTest {

    private final UtcTimestamps timestamps = new UtcTimestamps(Clock.systemUTC());

    @Test
    void edgeCasesPrintLikeInstant() {
        for (String text : new String[] { "1970-01-01T00:00:00Z", "2026-12-03T09:30:00Z", "2026-12-03T09:30:00.100Z",
                "2026-12-03T09:30:05.000100Z", "2026-12-03T09:30:59.000000001Z", "2026-12-31T23:59:59.999999999Z",
                "1969-12-31T23:59:59.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.123Z",
                "+10000-01-01T00:00:00Z", "-0001-06-01T12:00:00Z" }) {
            Instant instant = Instant.parse(text);
            assertThat(format(timestamps, instant)).as(text).isEqualTo(instant.toString());
        }
    }

    @Test
    void randomInstantsOfEveryPrecisionPrintLikeInstant() {
        Random random = new Random(42);
        long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
        Instant last = Instant.parse("2026-12-03T09:30:00Z");
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextInt(4) == 0 ? last.getEpochSecond() // the cached second, again
                    : from + (long) (random.nextDouble() * (to - from));
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nano);
            assertThat(format(timestamps, instant)).isEqualTo(instant.toString());
            last = instant;
        }
    }

    @Test
    void nowReadsTheClock() {
        Instant fixed = Instant.parse("2026-12-03T09:30:00.123456Z");
        UtcTimestamps atFixed = new UtcTimestamps(Clock.fixed(fixed, ZoneOffset.UTC));
        byte[] into = new byte[2 + UtcTimestamps.MAX_LENGTH];
        into[0] = '"';
        int end = atFixed.writeNow(into, 1);
        into[end] = '"';
        assertThat(new String(into, 0, end + 1, StandardCharsets.US_ASCII)).as("written at its offset, nothing more")
                .isEqualTo("\"2026-12-03T09:30:00.123456Z\"");
    }

    @Test
    void theLongestInstantsFitInMaxLength() {
        for (Instant instant : new Instant[] { Instant.MAX, Instant.MIN.plusNanos(999_999_999) }) {
            assertThat(format(timestamps, instant)).isEqualTo(instant.toString());
        }
    }

    /** What {@code timestamps} writes for {@code instant}, into a buffer of just {@link UtcTimestamps#MAX_LENGTH}. */
    private static String format(UtcTimestamps timestamps, Instant instant) {
        byte[] into = new byte[UtcTimestamps.MAX_LENGTH];
        int end = timestamps.write(instant, into, 0);
        return new String(into, 0, end, StandardCharsets.US_ASCII);
    }
}
