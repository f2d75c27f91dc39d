package io.gearworker.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import reactor.core.publisher.Flux;

@Command(name = "terminate", mixinStandardHelpOptions = true,
         description = "Gracefully terminate workers remotely: each finishes its jobs in flight and exits. Prints "
                       + "UP <id> per target, 'waiting for: <ids>' while some remain, DOWN <id> as each leaves. Exit "
                       + "0 when all are gone, 1 (naming those left) when --wait expires. A target is the process "
                       + "registered under that id when terminate starts (its gearmand connections): a process "
                       + "respawned with the same id is a new one, not the target.")
final class TerminateCommand implements Callable<Integer> {

    @Mixin
    ServersOption servers;

    @Mixin
    ControlTargets targets;

    @Option(names = "--wait", defaultValue = "60s", converter = Durations.class, paramLabel = "DURATION",
            description = "How long to wait for all targets to leave (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--quiet-first", description = "Send 'quiet' to every target before terminating any, so all"
                                                    + " stop taking jobs at once (rolling deploy).")
    boolean quietFirst;

    static final Duration POLL = Duration.ofMillis(200);
    static final Duration PROGRESS = Duration.ofSeconds(2);

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ServerAddress> addresses = servers.addresses();
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
            if (quietFirst) {
                sendToAll(control, up.values(), "quiet");
            }
            sendToAll(control, up.values(), "terminate");
        }

        long deadline = System.nanoTime() + wait.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS.toNanos();
        while (!up.isEmpty()) {
            Map<String, WorkersCommand.Worker> now = WorkersCommand.list(admin, addresses);
            for (WorkersCommand.Worker target : new ArrayList<>(up.values())) {
                if (isGone(target, now.get(target.id()))) {
                    up.remove(target.id());
                    out.println("DOWN " + target.id());
                }
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
        return selection.missing().isEmpty() ? 0 : 1;
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

    private static void sendToAll(ControlClient control, Iterable<WorkersCommand.Worker> workers, String command) {
        Flux.fromIterable(workers)
                .flatMap(w -> control.send(w, command)
                        .doOnError(e -> System.err.println(command + " " + w.id() + " failed: " + e.getMessage()))
                        .onErrorResume(e -> reactor.core.publisher.Mono.empty()))
                .blockLast();
    }
}
