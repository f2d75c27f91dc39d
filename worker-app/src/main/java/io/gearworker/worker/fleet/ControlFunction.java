package io.gearworker.worker.fleet;

/**
 * A worker's control function, {@code _worker_<id>} (the seed's naming): where the control commands for that worker
 * go. The one place that knows the naming; everything else asks here.
 */
public record ControlFunction(String workerId) {

    private static final String PREFIX = "_worker_";

    /** The function name the worker registers. */
    public String name() {
        return PREFIX + workerId;
    }

    /** Whether the function is some worker's control function: not work, so never counted, logged or queued. */
    public static boolean isControl(String function) {
        return function.startsWith(PREFIX);
    }

    @Override
    public String toString() {
        return name();
    }
}
