package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.worker.fleet.ControlClient;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.fleet.RollingRestart;
import io.gearworker.worker.fleet.Termination;
import io.gearworker.worker.fleet.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

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

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ServerAddress> addresses = servers.addresses();
        checkRollingOptions();
        Fleet fleet = new Fleet(new AdminClient(Duration.ofSeconds(3)), addresses);
        PrintStream out = System.out;
        Fleet.Selection selection = targets.select(fleet);
        selection.missing().forEach(id -> System.err.println(
                "no worker '" + id + "' with a control function on " + addresses));
        List<Worker> up = selection.found().stream().distinct().toList(); // an id given twice is one target
        up.forEach(w -> out.println("UP " + w.id()));
        out.flush();

        try (ControlClient control = new ControlClient(targets.secret(spec.commandLine()), Duration.ofSeconds(5))) {
            if (rolling) {
                if (batch >= up.size() && up.size() > 1) {
                    System.err.println("--batch " + batch + " takes all " + up.size() + " targets at once: a "
                                       + "function only they serve has no worker until they are back");
                }
                RollingRestart rollingRestart = new RollingRestart(fleet, control, batch, wait, out, System.err);
                // interrupted halfway, it says what it left: the operator must not take a half-done rollout for done
                for (String name : List.of("INT", "TERM")) {
                    Signal.handle(new Signal(name), s -> {
                        List<String> left = rollingRestart.notRestarted();
                        if (!left.isEmpty()) {
                            out.println("NOT RESTARTED " + String.join(" ", left));
                        }
                        out.flush();
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    });
                }
                RollingRestart.Result result = rollingRestart.run(up);
                return result.allBack() && selection.missing().isEmpty() ? 0 : 1;
            }
            Termination termination = new Termination(fleet, control, out, System.err);
            Map<String, String> statuses = termination.statusesOf(up);
            if (quietFirst) {
                termination.send(up, "quiet");
            }
            termination.send(up, "terminate");
            List<String> stillUp = termination.await(up, statuses, false, wait);
            if (!stillUp.isEmpty()) {
                out.println("still up after " + wait.toMillis() + " ms: " + String.join(" ", stillUp));
                return 1;
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
}
