package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.worker.fleet.ControlClient;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.fleet.Wire;
import io.gearworker.worker.fleet.WorkerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
         description = "Ask workers for their status (control command 'status'): a table, or JSON lines.")
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ServersOption servers;

    @Mixin
    ControlTargets targets;

    @Option(names = "--json", description = "Print each worker's status JSON on its own line.")
    boolean json;

    private static final String[] COLUMNS = { "id", "pid", "state", "uptime_s", "jobs_done", "in_flight", "slots" };

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String secret = targets.secret(spec.commandLine());
        List<ServerAddress> addresses = servers.addresses();
        Fleet.Selection selection = targets.select(new Fleet(new AdminClient(Duration.ofSeconds(3)), addresses));
        selection.missing().forEach(id -> System.err.println(
                "no worker '" + id + "' with a control function on " + addresses));
        int code = selection.missing().isEmpty() ? 0 : 1;
        PrintStream out = System.out;
        if (!json) {
            out.println(String.join("\t", COLUMNS) + "\tlimits");
        }
        try (ControlClient control = new ControlClient(secret, Duration.ofSeconds(5))) {
            for (ControlClient.Reply r : control.broadcast(selection.found(), "status")) {
                WorkerStatus status = r.ok() ? parsed(r.answer()) : null;
                if (status != null) {
                    // only the parsed fields, never the answer's text: whoever answered may have made it up
                    out.println(json ? Wire.json().writeValueAsString(status) : row(status));
                } else if (r.ok()) {
                    System.err.println("status " + r.worker().id() + " failed: the answer is not a status");
                    code = 1;
                } else {
                    System.err.println("status " + r.worker().id() + " failed: " + r.error().getMessage());
                    code = 1;
                }
            }
        }
        out.flush();
        return code;
    }

    private static WorkerStatus parsed(String answer) {
        try {
            return WorkerStatus.parse(answer);
        } catch (IOException e) {
            return null;
        }
    }

    /** One table row from a status answer: the scalar columns, then the limits set as key=value pairs. */
    static String row(WorkerStatus s) {
        List<String> cells = new ArrayList<>();
        for (Object value : new Object[] { s.id(), s.pid(), s.state(), s.uptimeS(), s.jobsDone(), s.inFlight(),
                                           s.slots() }) {
            cells.add(value == null ? "-" : value.toString());
        }
        Map<?, ?> limits = s.limits() == null ? Map.of() : Wire.json().convertValue(s.limits(), Map.class);
        cells.add(limits.isEmpty() ? "-" : limits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        return String.join("\t", cells);
    }
}
