package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Command(name = "terminate", mixinStandardHelpOptions = true,
         description = "Gracefully terminate workers remotely: each finishes its jobs in flight and exits. Prints "
                       + "UP <id> per target, 'waiting for: <ids>' while some remain, DOWN <id> as each leaves. Exit "
                       + "0 when all are gone, 1 (naming those left) when --wait expires. A target is the process "
                       + "registered under that id when terminate starts (its gearmand connections, and the pid its "
                       + "status reports): a process "
                       + "respawned with the same id is a new one, not the target. With --rolling, N targets at a "
                       + "time: each batch is awaited DOWN and BACK <id> (registered again by a new process, e.g. "
                       + "started by supervisord) before the next; exit 1 naming those not back within --wait.")
public final class TerminateCommand implements Callable<Integer> {

    @Mixin
    ServersOption servers;

    @Mixin
    ControlTargets targets;

    @Spec
    CommandSpec spec;

    @Option(names = "--wait", defaultValue = "60s", converter = Durations.class, paramLabel = "DURATION",
            description = "How long to wait for all targets to leave; with --rolling, for each batch to leave and "
                          + "come back (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--rolling", description = "Rolling restart: terminate --batch targets at a time and wait until "
                                                + "each is back (a new process registered its id) before the next.")
    boolean rolling;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N",
            description = "With --rolling: targets terminated at a time (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--quiet-first", description = "Send 'quiet' to every target before terminating any, so all"
                                                    + " stop taking jobs at once (rolling deploy).")
    boolean quietFirst;

    static final Duration POLL = Duration.ofMillis(200);
    static final Duration PROGRESS = Duration.ofSeconds(2);
    static final Duration PID_CHECK = Duration.ofSeconds(1);
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ServerAddress> addresses = servers.addresses();
        checkRollingOptions();
        AdminClient admin = new AdminClient(Duration.ofSeconds(3));
        PrintStream out = System.out;
        ControlTargets.Selection selection = targets.select(WorkersCommand.list(admin, addresses));
        selection.missing().forEach(id -> System.err.println(
                "no worker '" + id + "' with a control function on " + addresses));
        Map<String, WorkersCommand.Worker> up = new LinkedHashMap<>();
        selection.found().forEach(w -> up.put(w.id(), w));
        up.keySet().forEach(id -> out.println("UP " + id));
        out.flush();

        try (ControlClient control = new ControlClient(targets.controlSecret, Duration.ofSeconds(5))) {
            if (rolling) {
                if (batch >= up.size() && up.size() > 1) {
                    System.err.println("--batch " + batch + " takes all " + up.size() + " targets at once: a "
                                       + "function only they serve has no worker until they are back");
                }
                RollingRestart.Result result = new RollingRestart(admin, addresses, control, batch, wait, out,
                        System.err).run(List.copyOf(up.values()));
                return result.allBack() && selection.missing().isEmpty() ? 0 : 1;
            }
            Map<String, Long> pids = pidsOf(control, up.values());
            if (quietFirst) {
                sendToAll(control, up.values(), "quiet", System.err);
            }
            sendToAll(control, up.values(), "terminate", System.err);

            long deadline = System.nanoTime() + wait.toNanos();
            long nextProgress = System.nanoTime() + PROGRESS.toNanos();
            long nextPidCheck = System.nanoTime() + PID_CHECK.toNanos();
            while (!up.isEmpty()) {
                Map<String, WorkersCommand.Worker> now = WorkersCommand.list(admin, addresses);
                boolean checkPids = System.nanoTime() > nextPidCheck;
                for (WorkersCommand.Worker target : new ArrayList<>(up.values())) {
                    if (isGone(target, now.get(target.id()))
                            || checkPids && isRespawned(control, target, pids.get(target.id()))) {
                        up.remove(target.id());
                        out.println("DOWN " + target.id());
                    }
                }
                if (checkPids) {
                    nextPidCheck = System.nanoTime() + PID_CHECK.toNanos();
                }
                out.flush();
                if (up.isEmpty()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    out.println("still up after " + wait.toMillis() + " ms: " + String.join(" ", up.keySet()));
                    return 1;
                }
                if (System.nanoTime() > nextProgress) {
                    out.println("waiting for: " + String.join(" ", up.keySet()));
                    out.flush();
                    nextProgress = System.nanoTime() + PROGRESS.toNanos();
                }
                Thread.sleep(POLL.toMillis()); // polling gearmand's admin protocol: there is no event to wait on
            }
        }
        return selection.missing().isEmpty() ? 0 : 1;
    }

    private void checkRollingOptions() {
        if (!rolling && batch != 1) {
            throw new ParameterException(spec.commandLine(), "--batch needs --rolling");
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch " + batch + ": must be at least 1");
        }
        if (rolling && quietFirst) {
            throw new ParameterException(spec.commandLine(), "--quiet-first and --rolling exclude each other: a "
                                                             + "rolling restart keeps the other workers taking jobs");
        }
    }

    /** Gone when none of the target's connections is still registered under its id. */
    static boolean isGone(WorkersCommand.Worker target, WorkersCommand.Worker current) {
        if (current == null) {
            return true;
        }
        Set<String> still = new HashSet<>(current.connections());
        still.retainAll(target.connections());
        return still.isEmpty();
    }

    /**
     * The pid each target reports in its {@code status}, for the workers that answer one (ours do; the seed's PHP
     * workers don't): gearmand reuses connection numbers, so a process respawned fast under the same id could sit
     * on the old one's numbers, but it cannot have the old one's pid.
     */
    static Map<String, Long> pidsOf(ControlClient control, Collection<WorkersCommand.Worker> workers) {
        Map<String, Long> pids = new ConcurrentHashMap<>();
        Flux.fromIterable(workers)
                .flatMap(w -> control.send(w, "status")
                        .doOnNext(answer -> {
                            Matcher m = PID.matcher(answer);
                            if (m.find()) {
                                pids.put(w.id(), Long.parseLong(m.group(1)));
                            }
                        })
                        .onErrorResume(e -> Mono.empty()))
                .blockLast();
        return pids;
    }

    /** True when a process with another pid now answers for the target's id: the target itself is gone. */
    static boolean isRespawned(ControlClient control, WorkersCommand.Worker target, Long pid) {
        if (pid == null) {
            return false;
        }
        try {
            Matcher m = PID.matcher(control.send(target, "status").block(PID_CHECK));
            return m.find() && Long.parseLong(m.group(1)) != pid;
        } catch (RuntimeException e) {
            return false; // no answer: the target may be in its last moments; the connection check decides
        }
    }

    /** Sends the command to every worker at once; returns the ids whose command failed (each named on err). */
    static Set<String> sendToAll(ControlClient control, Iterable<WorkersCommand.Worker> workers, String command,
                                 PrintStream err) {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        Flux.fromIterable(workers)
                .flatMap(w -> control.send(w, command)
                        .doOnError(e -> {
                            failed.add(w.id());
                            err.println(command + " " + w.id() + " failed: " + e.getMessage());
                        })
                        .onErrorResume(e -> Mono.empty()))
                .blockLast();
        return failed;
    }
}
