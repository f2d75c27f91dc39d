package io.gearworker.worker.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;

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

    public String toJson() {
        try {
            return Wire.json().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status a worker answered; {@link IOException} when the answer is not one (e.g. a seed worker's "ok"). */
    public static WorkerStatus parse(String answer) throws IOException {
        if (answer == null || !answer.startsWith("{")) {
            throw new IOException("not a JSON object");
        }
        return Wire.json().readValue(answer, WorkerStatus.class);
    }
}
