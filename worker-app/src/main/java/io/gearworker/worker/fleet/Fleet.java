package io.gearworker.worker.fleet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * The workers of a set of gearmand servers, as the admin protocol lists them: what the CLI's {@code workers},
 * {@code status}, {@code terminate} and the dashboard all look at.
 */
public final class Fleet {

    /** The workers a command addresses: those found with a control function, and the ids asked for but not. */
    public record Selection(List<Worker> found, List<String> missing) {
    }

    private final AdminClient admin;
    private final List<ServerAddress> servers;

    public Fleet(AdminClient admin, List<ServerAddress> servers) {
        this.admin = admin;
        this.servers = List.copyOf(servers);
    }

    public List<ServerAddress> servers() {
        return servers;
    }

    public AdminClient admin() {
        return admin;
    }

    /** The workers of all servers by id, in order of first appearance; a server that fails fails the listing. */
    public Map<String, Worker> workers() throws IOException {
        Map<String, Worker> byId = new LinkedHashMap<>();
        for (ServerAddress server : servers) {
            add(byId, server, admin.workers(server));
        }
        return byId;
    }

    /**
     * Adds one server's {@code workers} lines to a listing. Connections without a worker id or functions (clients)
     * are left out; a worker seen on several servers is one entry.
     */
    public static void add(Map<String, Worker> byId, ServerAddress server, List<AdminClient.WorkerLine> lines) {
        for (AdminClient.WorkerLine line : lines) {
            if (isAnonymous(line) || line.functions().isEmpty()) {
                continue;
            }
            Worker w = byId.computeIfAbsent(line.clientId(), id -> new Worker(id, new LinkedHashSet<>(),
                    new TreeSet<>(), new TreeSet<>(), new LinkedHashSet<>()));
            w.servers().add(server.toString());
            w.hosts().add(line.ip());
            w.functions().addAll(line.functions());
            w.connections().add(server + "#" + line.fd());
        }
    }

    /** A connection that set no worker id ({@code -} in gearmand's listing). */
    public static boolean isAnonymous(AdminClient.WorkerLine line) {
        return "-".equals(line.clientId());
    }

    /** The workers with a control function: all of them ({@code ids} null), or those of the ids given. */
    public Selection select(List<String> ids) throws IOException {
        return select(workers(), ids);
    }

    /** {@link #select(List)} over a listing already made. */
    public static Selection select(Map<String, Worker> workers, List<String> ids) {
        List<Worker> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (ids == null) {
            workers.values().stream().filter(Worker::hasControlFunction).forEach(found::add);
        } else {
            for (String id : ids) {
                Worker w = workers.get(id);
                if (w == null || !w.hasControlFunction()) {
                    missing.add(id);
                } else {
                    found.add(w);
                }
            }
        }
        return new Selection(found, missing);
    }
}
