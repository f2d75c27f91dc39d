package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.fleet.Wire;
import io.gearworker.worker.fleet.Worker;
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

    @Override
    public Integer call() throws IOException {
        Fleet fleet = new Fleet(new AdminClient(Duration.ofSeconds(3)), servers.addresses());
        Map<String, Worker> workers;
        try {
            workers = fleet.workers();
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

    /** A worker as {@code --json} prints it. */
    private record Listed(String id, Set<String> servers, Set<String> functions) {
    }

    private static String toJson(Worker w) throws IOException {
        return Wire.json().writeValueAsString(new Listed(w.id(), w.servers(), w.functions()));
    }
}
