package io.gearworker.camel.gearman.protocol;

/** What a submitted job gave back: its handle and, for a foreground job, WORK_COMPLETE's data. */
public record JobResult(ServerAddress server, String handle, byte[] data) {
}
