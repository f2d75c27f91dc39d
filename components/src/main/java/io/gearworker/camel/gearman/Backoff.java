package io.gearworker.camel.gearman;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delay with full jitter, so a fleet does not reconnect in lock-step. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(long initialMillis, long maxMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    /** The delay before the next attempt: between half and all of initial × 2^failures, capped. */
    long nextDelayMillis() {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(failures, 20));
        failures++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
