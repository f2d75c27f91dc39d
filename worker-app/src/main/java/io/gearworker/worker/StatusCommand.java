package io.gearworker.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
         description = "Ask workers for their status (control command 'status'): a table, or JSON lines.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--servers", defaultValue = "127.0.0.1:4730", paramLabel = "host:port[,host:port…]",
            description = "gearmand servers to find workers on (default: ${DEFAULT-VALUE}).")
    String servers;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TerminateCommand.Targets targets;

    @Option(names = "--json", description = "Print each worker's status JSON on its own line.")
    boolean json;

    @Option(names = "--control-secret", paramLabel = "SECRET",
            description = "Secret the workers require (env GEARMAN_CONTROL_SECRET).")
    String controlSecret;

    private static final String[] COLUMNS = { "id", "pid", "state", "uptime_s", "jobs_done", "in_flight", "slots" };

    @Override
    public Integer call() throws IOException {
        List<ServerAddress> addresses;
        try {
            addresses = ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--servers '" + servers + "': " + e.getMessage());
        }
        Map<String, WorkersCommand.Worker> fleet = WorkersCommand.list(new AdminClient(Duration.ofSeconds(3)),
                addresses);
        List<WorkersCommand.Worker> chosen = new ArrayList<>();
        int code = 0;
        if (targets.all) {
            fleet.values().stream().filter(WorkersCommand.Worker::hasControlFunction).forEach(chosen::add);
        } else {
            for (String id : targets.ids) {
                WorkersCommand.Worker w = fleet.get(id);
                if (w == null || !w.hasControlFunction()) {
                    System.err.println("no worker '" + id + "' with a control function on " + addresses);
                    code = 1;
                } else {
                    chosen.add(w);
                }
            }
        }
        PrintStream out = System.out;
        if (!json) {
            out.println(String.join("\t", COLUMNS) + "\tlimits");
        }
        try (ControlClient control = new ControlClient(controlSecret, Duration.ofSeconds(5))) {
            for (WorkersCommand.Worker w : chosen) {
                try {
                    String answer = control.send(w, "status").block();
                    out.println(json ? answer : row(answer));
                } catch (RuntimeException e) {
                    System.err.println("status " + w.id() + " failed: " + e.getMessage());
                    code = 1;
                }
            }
        }
        out.flush();
        return code;
    }

    /** One table row from a status JSON: the scalar columns, then the limits object as key=value pairs. */
    static String row(String statusJson) throws IOException {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        StringBuilder limits = new StringBuilder();
        try (JsonParser p = new JsonFactory().createParser(statusJson)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("limits".equals(name)) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        p.nextToken();
                        limits.append(limits.length() == 0 ? "" : " ").append(key).append('=').append(p.getText());
                    }
                } else if (t.isScalarValue()) {
                    fields.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        List<String> cells = new ArrayList<>();
        for (String c : COLUMNS) {
            cells.add(fields.getOrDefault(c, "-"));
        }
        cells.add(limits.length() == 0 ? "-" : limits.toString());
        return String.join("\t", cells);
    }
}
