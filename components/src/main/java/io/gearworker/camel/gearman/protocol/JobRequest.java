package io.gearworker.camel.gearman.protocol;

/**
 * A job to submit. A {@code null} or empty unique id lets gearmand generate one (no coalescing); a given unique id
 * coalesces with a queued job of the same function and id, as gearmand defines.
 */
public record JobRequest(String function, byte[] workload, String uniqueId, JobPriority priority, boolean background) {

    public JobRequest {
        if (function == null || function.isEmpty()) {
            throw new IllegalArgumentException("function must not be empty");
        }
        workload = workload == null ? new byte[0] : workload;
        uniqueId = uniqueId == null ? "" : uniqueId;
        priority = priority == null ? JobPriority.NORMAL : priority;
    }

    public static JobRequest foreground(String function, byte[] workload) {
        return new JobRequest(function, workload, null, JobPriority.NORMAL, false);
    }

    public static JobRequest background(String function, byte[] workload) {
        return new JobRequest(function, workload, null, JobPriority.NORMAL, true);
    }
}
