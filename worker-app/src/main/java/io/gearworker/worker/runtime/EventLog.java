package io.gearworker.worker.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The worker's lifecycle events, one JSON object per line on stdout (the contract scripts and the report read):
 * {@code ts}, {@code worker}, {@code event} and the fields the event carries, in {@link EventField} order. Each
 * line is written and flushed whole, so a kill -9 never leaves half a line.
 */
public final class EventLog {

    private static final JsonFactory JSON = new JsonFactory();

    /** A job as its events name it: {@code unique} is {@code null} (and not written) when the job has none. */
    public record Job(String function, String handle, String server, String unique) {
    }

    private final OutputStream out;
    private final String worker;
    private final long pid;
    private final Clock clock;

    public EventLog(OutputStream out, String worker) {
        this(out, worker, ProcessHandle.current().pid(), Clock.systemUTC());
    }

    EventLog(OutputStream out, String worker, long pid, Clock clock) {
        this.out = out;
        this.worker = worker;
        this.pid = pid;
        this.clock = clock;
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
        write(EventType.JOB_STARTED, jobFields(job));
    }

    public void jobEnded(Job job) {
        write(EventType.JOB_ENDED, jobFields(job));
    }

    public void jobFailed(Job job, String error) {
        Map<EventField, Object> f = jobFields(job);
        f.put(EventField.ERROR, error);
        write(EventType.JOB_FAILED, f);
    }

    public void jobHandedBack(Job job, String why) {
        Map<EventField, Object> f = jobFields(job);
        f.put(EventField.ERROR, why);
        write(EventType.JOB_HANDED_BACK, f);
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

    private static Map<EventField, Object> jobFields(Job job) {
        return fields(EventField.FUNCTION, job.function(), EventField.HANDLE, job.handle(), EventField.SERVER,
                job.server(), EventField.UNIQUE, job.unique());
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
        ByteArrayOutputStream line = new ByteArrayOutputStream(200);
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField(EventField.TS.key(), clock.instant().toString());
            g.writeStringField(EventField.WORKER.key(), worker);
            g.writeStringField(EventField.EVENT.key(), event.wireName());
            for (Map.Entry<EventField, Object> f : fields.entrySet()) { // EnumMap: in EventField order
                if (f.getValue() instanceof Number n) {
                    g.writeNumberField(f.getKey().key(), n.longValue());
                } else {
                    g.writeStringField(f.getKey().key(), f.getValue().toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        line.write('\n');
        synchronized (out) {
            try {
                line.writeTo(out);
                out.flush();
            } catch (IOException e) {
                // stdout gone (supervisord stopped reading): the worker still works; nothing to log to
            }
        }
    }
}
