package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reconnect delays: exponential, jittered within [ceiling/2, ceiling], capped. */
class BackoffTest {

    // The jitter is random; sampling many fresh instances makes a wrong range show up reliably.
    private static final int SAMPLES = 2000;

    @Test
    void eachAttemptStaysWithinHalfToAllOfItsCeiling() {
        long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
        for (int s = 0; s < SAMPLES; s++) {
            Backoff backoff = new Backoff(100, 5000);
            for (int attempt = 0; attempt < ceilings.length; attempt++) {
                long ceiling = ceilings[attempt];
                assertThat(backoff.nextDelayMillis()).as("attempt %d", attempt)
                        .isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void delaysGrowUntilTheCap() {
        Backoff backoff = new Backoff(100, 100_000);
        // Ceilings double, so attempt k+2's lowest possible delay (2 × c_k) is above attempt k's highest (c_k).
        long[] delays = new long[10];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = backoff.nextDelayMillis();
        }
        for (int i = 0; i + 2 < delays.length; i++) {
            assertThat(delays[i + 2]).as("attempt %d vs %d", i + 2, i).isGreaterThan(delays[i]);
        }
    }

    @Test
    void jitterActuallyVaries() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int s = 0; s < SAMPLES; s++) {
            long d = new Backoff(1000, 1000).nextDelayMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // 2000 draws from 501 values: the spread covers most of [500, 1000]
        assertThat(min).isLessThan(600);
        assertThat(max).isGreaterThan(900);
    }

    @Test
    void neverExceedsMaxEvenAfterManyFailures() {
        Backoff backoff = new Backoff(100, 1000);
        for (int i = 0; i < 200; i++) {
            long delay = backoff.nextDelayMillis();
            assertThat(delay).as("attempt %d", i).isLessThanOrEqualTo(1000L);
            if (i >= 4) { // 100 × 2^4 > 1000: capped from here on, the shift must not wrap past 2^20 either
                assertThat(delay).as("attempt %d", i).isBetween(500L, 1000L);
            }
        }
        assertThat(backoff.failures()).isEqualTo(200);
    }

    @Test
    void maxBelowInitialCapsTheFirstDelayToo() {
        for (int s = 0; s < SAMPLES; s++) {
            assertThat(new Backoff(1000, 300).nextDelayMillis()).isBetween(150L, 300L);
        }
    }

    @Test
    void largeMaxStaysPositiveForLongOutages() {
        Backoff backoff = new Backoff(100, Long.MAX_VALUE / 4);
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.nextDelayMillis()).as("attempt %d", i).isPositive();
        }
    }

    @Test
    void countsFailures() {
        Backoff backoff = new Backoff(100, 1000);
        assertThat(backoff.failures()).isZero();

        backoff.nextDelayMillis();
        backoff.nextDelayMillis();

        assertThat(backoff.failures()).isEqualTo(2);
    }

    @Test
    void resetStartsAgainFromTheInitialDelay() {
        for (int s = 0; s < SAMPLES; s++) {
            Backoff backoff = new Backoff(100, 100_000);
            for (int i = 0; i < 8; i++) {
                backoff.nextDelayMillis();
            }

            backoff.reset();

            assertThat(backoff.failures()).isZero();
            assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
        }
    }
}
