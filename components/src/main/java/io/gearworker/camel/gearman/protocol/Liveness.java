package io.gearworker.camel.gearman.protocol;

import java.time.Duration;

/**
 * How long a connection may wait on its server. {@code connectTimeout} bounds the TCP connect; {@code answerTimeout}
 * bounds every awaited answer (a grab, an ECHO, a JOB_CREATED); an idle connection that waits on its server proves
 * it alive every {@code heartbeatInterval} with an ECHO round trip. A silently lost server is therefore noticed
 * within the {@linkplain #bound() liveness bound}, heartbeatInterval + answerTimeout (plus the watchdog's slack,
 * {@link #tick()}).
 */
public record Liveness(Duration connectTimeout, Duration answerTimeout, Duration heartbeatInterval) {

    public Liveness {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(answerTimeout, "answerTimeout");
        requirePositive(heartbeatInterval, "heartbeatInterval");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0, was " + d);
        }
    }

    /** The longest a silently lost server goes unnoticed by a connection that waits on it. */
    public Duration bound() {
        return heartbeatInterval.plus(answerTimeout);
    }

    /**
     * How late the watchdog may enforce a deadline (it lets deadlines that close to a planned look wait for it):
     * a tenth of the shorter of answerTimeout and heartbeatInterval, between 10 and 250 ms.
     */
    public Duration tick() {
        long shorter = Math.min(answerTimeout.toMillis(), heartbeatInterval.toMillis());
        return Duration.ofMillis(Math.max(10, Math.min(250, shorter / 10)));
    }
}
