package io.gearworker.worker.fleet;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A worker's answer to the control command {@code status}: written by the worker, read by {@code status},
 * {@code terminate} and the dashboard. A reader leaves what an answer lacks {@code null}.
 *
 * @param state    {@code running}, {@code quiet} or {@code stopping}
 * @param servers  the servers the worker was configured with ({@code --servers})
 * @param functions the job functions it serves
 */
public record WorkerStatus(String id, Long pid, String state, Long uptimeS, Long jobsDone, Integer inFlight,
                           Integer slots, String servers, List<String> functions, Limits limits) {

    /** The restart limits that are set, and what is left of each; a limit that is off is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(Long maxJobs, Long jobsLeft, Long maxLifetimeS, Long lifetimeLeftS, Long maxMemoryBytes) {
    }

    /**
     * The answer as the worker sends it. Streamed with jackson-core, not through the {@link Wire} mapper: a worker
     * answers {@code status} without building a mapper (measured: ~0.4 s of CPU at the first answer, right when a
     * rolling restart asks every worker). Its test pins the text to what the mapper writes.
     */
    public String toJson() {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = Streaming.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            number(g, "pid", pid);
            g.writeStringField("state", state);
            number(g, "uptime_s", uptimeS);
            number(g, "jobs_done", jobsDone);
            number(g, "in_flight", inFlight == null ? null : inFlight.longValue());
            number(g, "slots", slots == null ? null : slots.longValue());
            g.writeStringField("servers", servers);
            if (functions == null) {
                g.writeNullField("functions");
            } else {
                g.writeArrayFieldStart("functions");
                for (String f : functions) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }
            if (limits == null) {
                g.writeNullField("limits");
            } else {
                g.writeObjectFieldStart("limits");
                limit(g, "max_jobs", limits.maxJobs());
                limit(g, "jobs_left", limits.jobsLeft());
                limit(g, "max_lifetime_s", limits.maxLifetimeS());
                limit(g, "lifetime_left_s", limits.lifetimeLeftS());
                limit(g, "max_memory_bytes", limits.maxMemoryBytes());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void number(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private static void limit(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    /** The status a worker answered; {@link IOException} when the answer is not one (e.g. a seed worker's "ok"). */
    public static WorkerStatus parse(String answer) throws IOException {
        if (answer == null || !answer.startsWith("{")) {
            throw new IOException("not a JSON object");
        }
        return Wire.json().readValue(answer, WorkerStatus.class);
    }

    private static final class Streaming {
        static final JsonFactory FACTORY = new JsonFactory();
    }
}
