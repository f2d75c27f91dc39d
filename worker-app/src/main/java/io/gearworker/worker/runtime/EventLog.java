package io.gearworker.worker.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * The worker's lifecycle events, one JSON object per line on stdout (the contract scripts and the report read):
 * {@code ts}, {@code worker}, {@code event} and the fields the event carries, in {@link EventField} order. Each
 * line is written and flushed whole, so a kill -9 never leaves half a line. Every job writes two lines, so the
 * job events take a short path: no map, no JSON library (see {@link JsonLine}).
 */
public final class EventLog {

    /** A job as its events name it: {@code unique} is {@code null} (and not written) when the job has none. */
    public record Job(String function, String handle, String server, String unique) {
    }

    private final OutputStream out;
    private final String worker;     // escaped once: it is on every line
    private final long pid;
    private final UtcTimestamps timestamps;

    public EventLog(OutputStream out, String worker) {
        this(out, worker, ProcessHandle.current().pid(), Clock.systemUTC());
    }

    EventLog(OutputStream out, String worker, long pid, Clock clock) {
        this.out = out;
        this.worker = JsonLine.escaped(worker);
        this.pid = pid;
        this.timestamps = new UtcTimestamps(clock);
    }

    /** This machine's host name, as {@code ready} writes it and the report compares it; {@code localhost} if unknown. */
    public static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** {@code http} is the bound host:port of the HTTP endpoint, or {@code null} (not written) when it is off. */
    public void ready(long pid, String host, String servers, String functions, String http) {
        write(EventType.READY, fields(EventField.PID, pid, EventField.HOST, host, EventField.SERVERS, servers,
                EventField.FUNCTIONS, functions, EventField.HTTP, http));
    }

    public void jobStarted(Job job) {
        write(jobLine(EventType.JOB_STARTED, job));
    }

    public void jobEnded(Job job) {
        write(jobLine(EventType.JOB_ENDED, job));
    }

    public void jobFailed(Job job, String error) {
        write(jobLine(EventType.JOB_FAILED, job).field(EventField.ERROR.key(), error));
    }

    public void jobHandedBack(Job job, String why) {
        write(jobLine(EventType.JOB_HANDED_BACK, job).field(EventField.ERROR.key(), why));
    }

    /** Carries the pid too, so a report can tell this process's stop from a killed predecessor's life. */
    public void stopping(String reason, long jobs) {
        write(EventType.STOPPING, fields(EventField.REASON, reason, EventField.JOBS, jobs, EventField.PID, pid));
    }

    /** Carries the pid too, like {@link #stopping}. */
    public void exit(String reason, long jobs, int code) {
        write(EventType.EXIT, fields(EventField.REASON, reason, EventField.JOBS, jobs, EventField.CODE, code,
                EventField.PID, pid));
    }

    /** A job event's line so far, its fields in {@link EventField} order (ERROR, when any, comes next). */
    private JsonLine jobLine(EventType event, Job job) {
        JsonLine line = start(event)
                .field(EventField.FUNCTION.key(), job.function())
                .field(EventField.HANDLE.key(), job.handle())
                .field(EventField.SERVER.key(), job.server());
        return job.unique() == null ? line : line.field(EventField.UNIQUE.key(), job.unique());
    }

    private JsonLine start(EventType event) {
        return new JsonLine()
                .verbatimField(EventField.TS.key(), timestamps.now())
                .verbatimField(EventField.WORKER.key(), worker)
                .verbatimField(EventField.EVENT.key(), event.wireName());
    }

    private static Map<EventField, Object> fields(Object... keyValues) {
        Map<EventField, Object> fields = new EnumMap<>(EventField.class);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                fields.put((EventField) keyValues[i], keyValues[i + 1]);
            }
        }
        return fields;
    }

    private void write(EventType event, Map<EventField, Object> fields) {
        JsonLine line = start(event);
        for (Map.Entry<EventField, Object> f : fields.entrySet()) { // EnumMap: in EventField order
            if (f.getValue() instanceof Number n) {
                line.field(f.getKey().key(), n.longValue());
            } else {
                line.field(f.getKey().key(), f.getValue().toString());
            }
        }
        write(line);
    }

    private void write(JsonLine line) {
        byte[] bytes = line.toBytes();
        synchronized (out) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // stdout gone (supervisord stopped reading): the worker still works; nothing to log to
            }
        }
    }
}
