package io.gearworker.camel.gearman.policy;

import java.util.concurrent.ThreadLocalRandom;

/** A random extra of 0..max, drawn once when a policy is made, so the processes of a fleet recycle apart. */
final class Jitter {

    private Jitter() {
    }

    static long draw(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("jitter must be >= 0, was " + max);
        }
        return max == 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    }
}
