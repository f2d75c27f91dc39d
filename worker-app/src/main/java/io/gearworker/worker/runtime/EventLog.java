package io.gearworker.worker.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The worker's lifecycle events, one JSON object per line on stdout (the contract scripts and the report read):
 * {@code ts}, {@code worker}, {@code event} and, where they apply, {@code function}, {@code handle},
 * {@code reason}, {@code jobs}, {@code code}. Each line is written and flushed whole, so a kill -9 never leaves
 * half a line.
 */
public final class EventLog {

    private static final JsonFactory JSON = new JsonFactory();

    private final OutputStream out;
    private final String worker;

    public EventLog(OutputStream out, String worker) {
        this.out = out;
        this.worker = worker;
    }

    /** {@code http} is the bound host:port of the HTTP endpoint, or {@code null} when it is off. */
    public void ready(long pid, String servers, String functions, String http) {
        Map<String, Object> fields = new HashMap<>(Map.of("pid", pid, "servers", servers, "functions", functions));
        if (http != null) {
            fields.put("http", http);
        }
        write("ready", fields);
    }

    public void jobStarted(String function, String handle) {
        write("job_started", Map.of("function", function, "handle", handle));
    }

    public void jobEnded(String function, String handle) {
        write("job_ended", Map.of("function", function, "handle", handle));
    }

    public void jobFailed(String function, String handle, String error) {
        write("job_failed", Map.of("function", function, "handle", handle, "error", error));
    }

    public void jobHandedBack(String function, String handle, String why) {
        write("job_handed_back", Map.of("function", function, "handle", handle, "error", why));
    }

    public void stopping(String reason, long jobs) {
        write("stopping", Map.of("reason", reason, "jobs", jobs));
    }

    public void exit(String reason, long jobs, int code) {
        write("exit", Map.of("reason", reason, "jobs", jobs, "code", code));
    }

    private void write(String event, Map<String, Object> fields) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(160);
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("worker", worker);
            g.writeStringField("event", event);
            for (String key : new String[] { "function", "handle", "reason", "jobs", "code", "pid", "servers",
                    "functions", "error", "http" }) {
                Object v = fields.get(key);
                if (v instanceof Number n) {
                    g.writeNumberField(key, n.longValue());
                } else if (v != null) {
                    g.writeStringField(key, v.toString());
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
