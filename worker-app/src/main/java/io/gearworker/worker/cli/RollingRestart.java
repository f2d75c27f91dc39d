package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * {@code terminate --rolling}: terminates the targets a batch at a time and starts the next batch only when every
 * target of this one is {@code DOWN} (the old process left) and {@code BACK} (a new process, started by the
 * supervisor, registered the id again with every function the old one served). So the workers outside the batch
 * keep serving throughout. When a batch does not come back within the wait, the rolling stops: the targets not
 * yet terminated are left running rather than taken away from a fleet that does not recover.
 */
public final class RollingRestart {

    /** How it ended: ids that did not come back in time (or refused to terminate), ids never terminated. */
    public record Result(List<String> notBack, List<String> notRestarted) {

        public boolean allBack() {
            return notBack.isEmpty() && notRestarted.isEmpty();
        }
    }

    private final AdminClient admin;
    private final List<ServerAddress> servers;
    private final ControlClient control;
    private final int batchSize;
    private final Duration wait;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param wait how long each batch may take to go down and come back
     * @param out  where {@code DOWN}, {@code BACK}, {@code waiting for:} and the final verdict go
     * @param err  where failed control commands go
     */
    public RollingRestart(AdminClient admin, List<ServerAddress> servers, ControlClient control, int batchSize,
                          Duration wait, PrintStream out, PrintStream err) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.admin = admin;
        this.servers = servers;
        this.control = control;
        this.batchSize = batchSize;
        this.wait = wait;
        this.out = out;
        this.err = err;
    }

    /** Restarts the targets, batch after batch, in the order given. */
    public Result run(List<WorkersCommand.Worker> targets) throws IOException, InterruptedException {
        for (int from = 0; from < targets.size(); from += batchSize) {
            List<WorkersCommand.Worker> batch = targets.subList(from, Math.min(targets.size(), from + batchSize));
            List<String> notBack = restart(batch);
            if (!notBack.isEmpty()) {
                List<String> notRestarted = targets.subList(from + batch.size(), targets.size()).stream()
                        .map(WorkersCommand.Worker::id).toList();
                if (!notRestarted.isEmpty()) {
                    out.println("not restarted: " + String.join(" ", notRestarted));
                }
                out.flush();
                return new Result(notBack, notRestarted);
            }
        }
        return new Result(List.of(), List.of());
    }

    /** Terminates one batch and waits for each target to be DOWN, then BACK; returns the ids that failed. */
    private List<String> restart(List<WorkersCommand.Worker> batch) throws IOException, InterruptedException {
        Map<String, Long> pids = TerminateCommand.pidsOf(control, batch);
        Set<String> refused = TerminateCommand.sendToAll(control, batch, "terminate", err);
        Map<String, WorkersCommand.Worker> up = new LinkedHashMap<>();
        batch.stream().filter(w -> !refused.contains(w.id())).forEach(w -> up.put(w.id(), w));
        Map<String, WorkersCommand.Worker> down = new LinkedHashMap<>();

        long deadline = System.nanoTime() + wait.toNanos();
        long nextProgress = System.nanoTime() + TerminateCommand.PROGRESS.toNanos();
        long nextPidCheck = System.nanoTime() + TerminateCommand.PID_CHECK.toNanos();
        while (!up.isEmpty() || !down.isEmpty()) {
            Map<String, WorkersCommand.Worker> now = WorkersCommand.list(admin, servers);
            boolean checkPids = System.nanoTime() > nextPidCheck;
            for (WorkersCommand.Worker target : new ArrayList<>(up.values())) {
                if (TerminateCommand.isGone(target, now.get(target.id()))
                        || checkPids && TerminateCommand.isRespawned(control, target, pids.get(target.id()))) {
                    up.remove(target.id());
                    down.put(target.id(), target);
                    out.println("DOWN " + target.id());
                }
            }
            if (checkPids) {
                nextPidCheck = System.nanoTime() + TerminateCommand.PID_CHECK.toNanos();
            }
            for (WorkersCommand.Worker target : new ArrayList<>(down.values())) {
                if (isBack(target, now.get(target.id()))) {
                    down.remove(target.id());
                    out.println("BACK " + target.id());
                }
            }
            out.flush();
            if (up.isEmpty() && down.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = new ArrayList<>(up.keySet());
                missing.addAll(down.keySet());
                out.println("not back after " + wait.toMillis() + " ms: " + String.join(" ", missing));
                missing.addAll(refused);
                return missing;
            }
            if (System.nanoTime() > nextProgress) {
                List<String> waiting = new ArrayList<>(up.keySet());
                waiting.addAll(down.keySet());
                out.println("waiting for: " + String.join(" ", waiting));
                out.flush();
                nextProgress = System.nanoTime() + TerminateCommand.PROGRESS.toNanos();
            }
            Thread.sleep(TerminateCommand.POLL.toMillis()); // gearmand's admin protocol has no event to wait on
        }
        return new ArrayList<>(refused);
    }

    /**
     * Back when, after the old process left, the id is registered again with every function the old process served
     * (its control function included): the new process can take all of the old one's jobs.
     */
    static boolean isBack(WorkersCommand.Worker target, WorkersCommand.Worker current) {
        return current != null && current.functions().containsAll(target.functions());
    }
}
