package io.gearworker.worker.runtime;

/**
 * The fields of an event-log line, in the order {@link EventLog} writes them: {@code ts}, {@code worker},
 * {@code event} first, then the fields the event carries. One definition for the writer, the report and the tests.
 */
public enum EventField {

    /** ISO-8601 UTC instant. */
    TS("ts"),
    /** The worker id. */
    WORKER("worker"),
    /** The {@link EventType}'s name. */
    EVENT("event"),
    /** Job events: the Gearman function. */
    FUNCTION("function"),
    /** Job events: the handle gearmand gave the job (unique per gearmand run only). */
    HANDLE("handle"),
    /** Job events: the gearmand the job came from, host:port. */
    SERVER("server"),
    /** Job events: the job's unique id, only when it has one. */
    UNIQUE("unique"),
    /** stopping, exit: why. */
    REASON("reason"),
    /** stopping, exit: jobs done so far (a number). */
    JOBS("jobs"),
    /** exit: the exit code (a number). */
    CODE("code"),
    /** ready, stopping, exit: the process id (a number). */
    PID("pid"),
    /** ready: the host name, so a report on the same host can tell whether the pid still runs. */
    HOST("host"),
    /** ready: the servers, host:port[,…]. */
    SERVERS("servers"),
    /** ready: the job functions, comma-separated. */
    FUNCTIONS("functions"),
    /** job_failed, job_handed_back: why. */
    ERROR("error"),
    /** ready: the HTTP endpoint's bound host:port, only when {@code --http-port} is set. */
    HTTP("http");

    private final String key;
    private final JsonLine.Key jsonKey;

    EventField(String key) {
        this.key = key;
        this.jsonKey = new JsonLine.Key(key);
    }

    /** The JSON key. */
    public String key() {
        return key;
    }

    /** The key as {@link EventLog} writes it, encoded once. */
    JsonLine.Key jsonKey() {
        return jsonKey;
    }

    @Override
    public String toString() {
        return key;
    }
}
