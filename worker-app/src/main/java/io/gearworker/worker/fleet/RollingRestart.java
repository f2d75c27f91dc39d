package io.gearworker.worker.fleet;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A rolling restart: terminates the targets a batch at a time and starts the next batch only when every target of
 * this one is {@code DOWN} (the old process left) and {@code BACK} (a new process, started by the supervisor,
 * registered the id again with every function the old one served). So the workers outside the batch keep serving
 * throughout. When a batch does not come back within the wait, the rolling stops: the targets not yet terminated
 * are left running rather than taken away from a fleet that does not recover.
 */
public final class RollingRestart {

    /** How it ended: ids that did not come back in time (or refused to terminate), ids never terminated. */
    public record Result(List<String> notBack, List<String> notRestarted) {

        public boolean allBack() {
            return notBack.isEmpty() && notRestarted.isEmpty();
        }
    }

    private final Set<String> restarted = ConcurrentHashMap.newKeySet();
    private volatile List<Worker> targets = List.of();
    private final Termination termination;
    private final int batchSize;
    private final Duration wait;
    private final PrintStream out;

    /**
     * @param wait how long each batch may take to go down and come back
     * @param out  where {@code DOWN}, {@code BACK}, {@code waiting for:} and the final verdict go
     * @param err  where failed control commands go
     */
    public RollingRestart(Fleet fleet, ControlClient control, int batchSize, Duration wait, PrintStream out,
                          PrintStream err) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.termination = new Termination(fleet, control, out, err);
        this.batchSize = batchSize;
        this.wait = wait;
        this.out = out;
    }

    /** Restarts the targets, batch after batch, in the order given. */
    public Result run(List<Worker> targets) throws IOException, InterruptedException {
        this.targets = List.copyOf(targets);
        for (int from = 0; from < targets.size(); from += batchSize) {
            List<Worker> batch = targets.subList(from, Math.min(targets.size(), from + batchSize));
            List<String> notBack = restart(batch);
            if (!notBack.isEmpty()) {
                List<String> notRestarted = targets.subList(from + batch.size(), targets.size()).stream()
                        .map(Worker::id).toList();
                if (!notRestarted.isEmpty()) {
                    out.println("not restarted: " + String.join(" ", notRestarted));
                }
                out.flush();
                return new Result(notBack, notRestarted);
            }
            batch.forEach(w -> restarted.add(w.id()));
        }
        return new Result(List.of(), List.of());
    }

    /**
     * The targets not known to be restarted yet: those not terminated, and those of the batch under way (down,
     * perhaps, but not seen back). Safe to call from another thread, e.g. a signal handler interrupting the run.
     */
    public List<String> notRestarted() {
        return targets.stream().map(Worker::id).filter(id -> !restarted.contains(id)).toList();
    }

    /** Terminates one batch and waits for each target to be DOWN, then BACK; returns the ids that failed. */
    private List<String> restart(List<Worker> batch) throws IOException, InterruptedException {
        Map<String, String> statuses = termination.statusesOf(batch);
        Set<String> refused = termination.send(batch, "terminate");
        List<Worker> terminating = batch.stream().filter(w -> !refused.contains(w.id())).toList();
        List<String> failed = new ArrayList<>(termination.await(terminating, statuses, true, wait));
        if (!failed.isEmpty()) {
            out.println("not back after " + wait.toMillis() + " ms: " + String.join(" ", failed));
        }
        failed.addAll(refused);
        return failed;
    }
}
