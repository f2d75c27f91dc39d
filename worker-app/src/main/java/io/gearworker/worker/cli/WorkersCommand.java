package io.gearworker.worker.cli;

import io.gearworker.worker.runtime.WorkerControl;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "workers", mixinStandardHelpOptions = true,
         description = "List the workers gearmand knows (admin command 'workers'), one per line: worker id, "
                       + "servers, functions. A worker seen on several servers is listed once; connections without a "
                       + "worker id or functions (clients) are left out.")
public final class WorkersCommand implements Callable<Integer> {

    @Mixin
    ServersOption servers;

    @Option(names = "--json", description = "One JSON object per line: {id, servers, functions}.")
    boolean json;

    /**
     * A worker as seen across servers. {@code connections} ({@code server#fd}) identify this process's
     * registrations: a respawned process with the same id comes back on new connections.
     */
    public record Worker(String id, Set<String> servers, Set<String> functions, Set<String> connections) {

        /** The worker's control function (seed naming), if it registered one. */
        public boolean hasControlFunction() {
            return functions.contains(WorkerControl.FUNCTION_PREFIX + id);
        }
    }

    @Override
    public Integer call() throws IOException {
        List<ServerAddress> addresses = servers.addresses();
        Map<String, Worker> workers;
        try {
            workers = list(new AdminClient(Duration.ofSeconds(3)), addresses);
        } catch (IOException e) {
            System.err.println("workers: " + e.getMessage());
            return 1;
        }
        PrintStream out = System.out;
        for (Worker w : workers.values()) {
            if (json) {
                out.println(toJson(w));
            } else {
                out.println(w.id() + " " + String.join(",", w.servers()) + " " + String.join(",", w.functions()));
            }
        }
        out.flush();
        return 0;
    }

    /** The workers of all servers by id, in order of first appearance; a server that fails fails the listing. */
    public static Map<String, Worker> list(AdminClient admin, List<ServerAddress> servers) throws IOException {
        Map<String, Worker> byId = new LinkedHashMap<>();
        for (ServerAddress server : servers) {
            for (AdminClient.WorkerLine line : admin.workers(server)) {
                if ("-".equals(line.clientId()) || line.functions().isEmpty()) {
                    continue;
                }
                Worker w = byId.computeIfAbsent(line.clientId(),
                        id -> new Worker(id, new LinkedHashSet<>(), new TreeSet<>(), new LinkedHashSet<>()));
                w.servers().add(server.toString());
                w.functions().addAll(line.functions());
                w.connections().add(server + "#" + line.fd());
            }
        }
        return byId;
    }

    private static String toJson(Worker w) throws IOException {
        java.io.StringWriter s = new java.io.StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(s)) {
            g.writeStartObject();
            g.writeStringField("id", w.id());
            g.writeArrayFieldStart("servers");
            for (String server : w.servers()) {
                g.writeString(server);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("functions");
            for (String f : w.functions()) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return s.toString();
    }
}
