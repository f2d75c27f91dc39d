package io.gearworker.worker.runtime;

import org.slf4j.Logger;

/**
 * The warning lines of refused control commands, rate-limited: the first refusal of a streak is logged at once, the
 * ones after it are counted and summed up in one line at most every {@link #INTERVAL_NANOS}. Guessing is no cheaper
 * for it (the proof is the defence; nobody is locked out), but a flood of refusals no longer floods the log.
 */
final class RefusalLog {

    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private long windowStart;
    private boolean inWindow;
    private int suppressed;

    RefusalLog(Logger log) {
        this.log = log;
    }

    synchronized void refused(String line) {
        long now = System.nanoTime();
        if (inWindow && now - windowStart < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn("{} more control commands refused in the last {} s (not logged one by one)", suppressed,
                    INTERVAL_NANOS / 1_000_000_000L);
        }
        log.warn(line);
        suppressed = 0;
        windowStart = now;
        inWindow = true;
    }
}
