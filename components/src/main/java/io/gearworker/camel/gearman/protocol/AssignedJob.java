package io.gearworker.camel.gearman.protocol;

/** A job gearmand handed to this worker (JOB_ASSIGN_UNIQ). */
public record AssignedJob(ServerAddress server, String handle, String function, String uniqueId, byte[] workload) {
}
