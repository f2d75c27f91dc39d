package io.gearworker.worker.fleet;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Terminating workers remotely and watching them go: a target is the process registered under its id when the
 * termination starts (its gearmand connections, and the pid its {@code status} reports), so a process respawned with
 * the same id is a new one, not the target. Prints {@code DOWN <id>} as each leaves, {@code BACK <id>} as a new
 * process registers the id again (when asked to wait for that), and {@code waiting for: <ids>} while some remain.
 */
public final class Termination {

    static final Duration POLL = Duration.ofMillis(200);
    static final Duration PROGRESS = Duration.ofSeconds(2);
    static final Duration PID_CHECK = Duration.ofSeconds(1);

    private final Fleet fleet;
    private final ControlClient control;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where {@code DOWN}, {@code BACK} and {@code waiting for:} go
     * @param err where failed control commands go
     */
    public Termination(Fleet fleet, ControlClient control, PrintStream out, PrintStream err) {
        this.fleet = fleet;
        this.control = control;
        this.out = out;
        this.err = err;
    }

    /**
     * What each target answers to {@code status} now, for the workers that answer (ours do; the seed's PHP workers
     * don't): the pid in it tells the target from a process respawned under the same id, which gearmand may even
     * give the old one's connection numbers. Kept as text: read only when a pid check needs it, so no JSON reading
     * delays the termination.
     */
    public Map<String, String> statusesOf(Collection<Worker> workers) {
        Map<String, String> answers = new HashMap<>();
        for (ControlClient.Reply r : control.broadcast(workers, "status")) {
            if (r.ok()) {
                answers.put(r.worker().id(), r.answer());
            }
        }
        return answers;
    }

    /** Sends the command to every worker at once; returns the ids whose command failed (each named on err). */
    public Set<String> send(Collection<Worker> workers, String command) {
        Set<String> failed = new LinkedHashSet<>();
        for (ControlClient.Reply r : control.broadcast(workers, command)) {
            if (!r.ok()) {
                failed.add(r.worker().id());
                err.println(command + " " + r.worker().id() + " failed: " + r.error().getMessage());
            }
        }
        return failed;
    }

    /**
     * Watches the targets until each is down (and, with {@code awaitBack}, back) or the wait is over.
     *
     * @param statuses the targets' status answers from before they were asked to terminate ({@link #statusesOf})
     * @return the ids not yet down, then those down but not back; empty when all made it in time
     */
    public List<String> await(Collection<Worker> targets, Map<String, String> statuses, boolean awaitBack,
                              Duration wait)
            throws IOException, InterruptedException {
        if (targets.isEmpty()) {
            return List.of();
        }
        Map<String, Worker> up = new LinkedHashMap<>();
        targets.forEach(w -> up.put(w.id(), w));
        Map<String, Worker> down = new LinkedHashMap<>();
        long deadline = System.nanoTime() + wait.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS.toNanos();
        long nextPidCheck = System.nanoTime() + PID_CHECK.toNanos();
        while (true) {
            Map<String, Worker> now = fleet.workers();
            boolean checkPids = System.nanoTime() > nextPidCheck;
            for (Worker target : new ArrayList<>(up.values())) {
                if (isGone(target, now.get(target.id()))
                        || checkPids && isRespawned(target, statuses.get(target.id()))) {
                    up.remove(target.id());
                    if (awaitBack) {
                        down.put(target.id(), target);
                    }
                    out.println("DOWN " + target.id());
                }
            }
            if (checkPids) {
                nextPidCheck = System.nanoTime() + PID_CHECK.toNanos();
            }
            for (Worker target : new ArrayList<>(down.values())) {
                if (isBack(target, now.get(target.id()))) {
                    down.remove(target.id());
                    out.println("BACK " + target.id());
                }
            }
            out.flush();
            List<String> pending = new ArrayList<>(up.keySet());
            pending.addAll(down.keySet());
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                return pending;
            }
            if (System.nanoTime() > nextProgress) {
                out.println("waiting for: " + String.join(" ", pending));
                out.flush();
                nextProgress = System.nanoTime() + PROGRESS.toNanos();
            }
            Thread.sleep(POLL.toMillis()); // polling gearmand's admin protocol: there is no event to wait on
        }
    }

    /** Gone when none of the target's connections is still registered under its id. */
    static boolean isGone(Worker target, Worker current) {
        if (current == null) {
            return true;
        }
        Set<String> still = new HashSet<>(current.connections());
        still.retainAll(target.connections());
        return still.isEmpty();
    }

    /**
     * Back when, after the old process left, the id is registered again with every function the old process served
     * (its control function included): the new process can take all of the old one's jobs.
     */
    static boolean isBack(Worker target, Worker current) {
        return current != null && current.functions().containsAll(target.functions());
    }

    /** True when a process with another pid now answers for the target's id: the target itself is gone. */
    private boolean isRespawned(Worker target, String statusBefore) {
        Long pid = statusBefore == null ? null : pid(statusBefore);
        if (pid == null) {
            return false;
        }
        try {
            Long now = pid(control.send(target, "status").block(PID_CHECK));
            return now != null && now.longValue() != pid;
        } catch (RuntimeException e) {
            return false; // no answer: the target may be in its last moments; the connection check decides
        }
    }

    /** The pid in a status answer; {@code null} when the answer is not a status or has none. */
    private static Long pid(String answer) {
        try {
            return WorkerStatus.parse(answer).pid();
        } catch (IOException e) {
            return null;
        }
    }
}
