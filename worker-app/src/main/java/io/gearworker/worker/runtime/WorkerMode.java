package io.gearworker.worker.runtime;

/**
 * The one answer to "is this worker running, quiet or stopping?". Stopping is for good and names its reason (the
 * first request's); quiet ({@code quiet} until {@code resume}) only while not stopping. One monitor guards both, so
 * a change of grabbing runs wholly before a stop or not at all: once {@link #stop} returned, no {@code resume} can
 * reopen grabbing, and the drain that follows needs no lock of its own.
 */
final class WorkerMode {

    private String stopReason;
    private boolean quiet;

    /** Marks the worker stopping; true for the first request, whose reason stays. */
    synchronized boolean stop(String reason) {
        if (stopReason != null) {
            return false;
        }
        stopReason = reason;
        return true;
    }

    /** Why the worker is stopping, or {@code null} while it is not. */
    synchronized String stopReason() {
        return stopReason;
    }

    synchronized boolean stopping() {
        return stopReason != null;
    }

    /** {@link WorkerState#RUNNING}, {@link WorkerState#QUIET} or {@link WorkerState#STOPPING}. */
    synchronized String state() {
        return stopReason != null ? WorkerState.STOPPING : quiet ? WorkerState.QUIET : WorkerState.RUNNING;
    }

    /**
     * Runs a change of grabbing ({@code quiet}: {@code grab} false, {@code resume}: true) unless the worker is
     * stopping, and tells whether it ran.
     */
    synchronized boolean changeGrabbing(boolean grab, GrabbingChange change) throws Exception {
        if (stopReason != null) {
            return false;
        }
        change.apply();
        quiet = !grab;
        return true;
    }

    @FunctionalInterface
    interface GrabbingChange {
        void apply() throws Exception;
    }
}
