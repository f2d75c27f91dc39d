package io.gearworker.camel.gearman;

/**
 * Told of each job's life on a consumer. Called on the consumer's threads: keep it quick and never throw.
 * Register with {@link GearmanComponent#addJobListener}.
 */
public interface GearmanJobListener {

    /** A job was assigned and its exchange is about to be routed. */
    default void jobStarted(GearmanJob job) {
    }

    /** The route finished and WORK_COMPLETE was sent. */
    default void jobCompleted(GearmanJob job) {
    }

    /** The route failed and WORK_FAIL (and WORK_EXCEPTION if configured) was sent. */
    default void jobFailed(GearmanJob job, Throwable cause) {
    }

    /**
     * The job's connection closed before its result was sent (stopped after the shutdown timeout, or the connection
     * was lost): gearmand requeues it, and it runs again on some worker.
     */
    default void jobHandedBack(GearmanJob job, String reason) {
    }
}
