package io.gearworker.camel.gearman;

/**
 * Told of each job's life on a consumer. Called on the consumer's threads: keep it quick and never throw.
 * Register with {@link GearmanComponent#addJobListener}.
 * <p>
 * Every started job ends with exactly one of {@link #jobCompleted}, {@link #jobFailed} or {@link #jobHandedBack}.
 * The first two are told only once gearmand has evidently processed the result: it answered a packet sent after
 * it on the same connection (the next grab, which leaves with the result, or else one ECHO). So they never claim a
 * result that a dying gearmand did not take; such a job is handed back instead.
 */
public interface GearmanJobListener {

    /** A job was assigned and its exchange is about to be routed. */
    default void jobStarted(GearmanJob job) {
    }

    /** The route finished, WORK_COMPLETE was sent, and gearmand has processed it. */
    default void jobCompleted(GearmanJob job) {
    }

    /** The route failed, WORK_FAIL (or WORK_EXCEPTION if configured) was sent, and gearmand has processed it. */
    default void jobFailed(GearmanJob job, Throwable cause) {
    }

    /**
     * The job's connection closed before gearmand confirmed its result: gearmand requeues the job and it runs again
     * on some worker. The reason says why, and whether a result had been sent:
     * <ul>
     * <li>{@code stopped before the job finished} — the consumer stopped (shutdown timeout) while the route ran;</li>
     * <li>{@code connection to gearmand lost: <error>} — the connection broke while the route ran;</li>
     * <li>{@code stopped before gearmand confirmed the result; the result may not have reached gearmand, which may
     * run the job again}, {@code connection to gearmand lost before it confirmed the result (<error>); the result
     * may not have reached gearmand, which may run the job again} — the result was sent but not confirmed
     * (gearmand may also have taken it, then the job is not run again);</li>
     * <li>{@code unexpected error: <error>}, {@code unexpected error before gearmand confirmed the result (<error>);
     * the result may not have reached gearmand, which may run the job again} — a bug of ours closed the
     * connection.</li>
     * </ul>
     * A connection that gearmand does not answer in time (an ECHO, or a grab during a drain) counts as lost; its
     * error then reads {@code gearmand host:port did not answer within N ms}.
     */
    default void jobHandedBack(GearmanJob job, String reason) {
    }
}
