package io.gearworker.worker.runtime;

import java.util.Optional;

/**
 * The events of the worker event log, by the name written in the {@code event} field. One definition for the
 * writer ({@link EventLog}), the report and the tests.
 */
public enum EventType {

    /** All routes started; fields pid, host, servers, functions. */
    READY("ready"),
    /** A job was assigned and is routed; fields function, handle, server, unique. */
    JOB_STARTED("job_started"),
    /** gearmand has evidently processed the job's WORK_COMPLETE. */
    JOB_ENDED("job_ended"),
    /** WORK_FAIL (or WORK_EXCEPTION) was sent; field error. */
    JOB_FAILED("job_failed"),
    /** The connection closed before gearmand evidently had the result: gearmand runs the job again; field error. */
    JOB_HANDED_BACK("job_handed_back"),
    /** The first stop request; fields reason, jobs, pid. */
    STOPPING("stopping"),
    /** The process leaves; fields reason, jobs, code, pid. */
    EXIT("exit");

    private final String wireName;
    private final JsonLine.Value jsonValue;

    EventType(String wireName) {
        this.wireName = wireName;
        this.jsonValue = new JsonLine.Value(wireName);
    }

    /** The name in the {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The name as {@link EventLog} writes it, encoded once. */
    JsonLine.Value jsonValue() {
        return jsonValue;
    }

    /** Job events carry function, handle and server (and unique when the job has one). */
    public boolean isJobEvent() {
        return wireName.startsWith("job_");
    }

    /** The event of this {@code event} field, empty for a name this version does not know. */
    public static Optional<EventType> named(String wireName) {
        for (EventType t : values()) {
            if (t.wireName.equals(wireName)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
