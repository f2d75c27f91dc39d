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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

@Command(name = "terminate", mixinStandardHelpOptions = true,
         description = { "Gracefully terminate workers remotely: each finishes its jobs in flight and exits.",
                         "Prints UP <id> per target, 'waiting for: <ids>' while some remain, DOWN <id> as each",
                         "leaves. Exit 0 when all are gone, 1 (naming those left) when --wait expires.",
                         "A target is the process registered under that id when terminate starts (its gearmand",
                         "connections): a process respawned with the same id is a new one, not the target." })
final class TerminateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--servers", defaultValue = "127.0.0.1:4730", paramLabel = "host:port[,host:port…]",
            description = "gearmand servers to find workers on (default: ${DEFAULT-VALUE}).")
    String servers;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Targets targets;

    static final class Targets {
        @Option(names = "--all", required = true, description = "Every worker with a control function.")
        boolean all;

        @Option(names = "--worker", required = true, arity = "1..*", paramLabel = "ID", description = "Worker ids.")
        List<String> ids;
    }

    @Option(names = "--wait", defaultValue = "60s", converter = Durations.class, paramLabel = "DURATION",
            description = "How long to wait for all targets to leave (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--quiet-first", description = "Send 'quiet' to every target before terminating any, so all"
                                                    + " stop taking jobs at once (rolling deploy).")
    boolean quietFirst;

    @Option(names = "--control-secret", paramLabel = "SECRET",
            description = "Secret the workers require (env GEARMAN_CONTROL_SECRET).")
    String controlSecret;

    static final Duration POLL = Duration.ofMillis(200);
    static final Duration PROGRESS = Duration.ofSeconds(2);

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ServerAddress> addresses;
        try {
            addresses = ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--servers '" + servers + "': " + e.getMessage());
        }
        AdminClient admin = new AdminClient(Duration.ofSeconds(3));
        PrintStream out = System.out;
        Map<String, WorkersCommand.Worker> fleet = WorkersCommand.list(admin, addresses);
        Map<String, WorkersCommand.Worker> up = new LinkedHashMap<>();
        boolean missing = false;
        if (targets.all) {
            fleet.values().stream().filter(WorkersCommand.Worker::hasControlFunction).forEach(w -> up.put(w.id(), w));
        } else {
            for (String id : targets.ids) {
                WorkersCommand.Worker w = fleet.get(id);
                if (w == null || !w.hasControlFunction()) {
                    System.err.println("no worker '" + id + "' with a control function on " + addresses);
                    missing = true;
                } else {
                    up.put(id, w);
                }
            }
        }
        up.keySet().forEach(id -> out.println("UP " + id));
        out.flush();

        try (ControlClient control = new ControlClient(controlSecret, Duration.ofSeconds(5))) {
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
        return missing ? 1 : 0;
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
