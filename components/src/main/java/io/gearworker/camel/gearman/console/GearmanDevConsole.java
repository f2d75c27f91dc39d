package io.gearworker.camel.gearman.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import org.apache.camel.Route;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * Camel's developer console for the gearman consumers of a Camel context (with dev consoles enabled, e.g.
 * {@code camel.main.dev-console-enabled=true}, Camel serves it as text or JSON, e.g. over HTTP at
 * {@code /q/dev/gearman}): per route its function, worker id, job slots, jobs in flight and handed back, and per
 * server its registered and kept connections and reconnects.
 */
@DevConsole(name = "gearman", displayName = "Gearman", description = "Gearman workers: servers, connections, slots, jobs")
public class GearmanDevConsole extends AbstractDevConsole {

    public GearmanDevConsole() {
        super("camel", "gearman", "Gearman", "Gearman workers: servers, connections, slots, jobs");
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (Route route : gearmanRoutes()) {
            GearmanConsumer consumer = (GearmanConsumer) route.getConsumer();
            text.append(String.format("Route %s: function %s, worker %s%n", route.getRouteId(),
                    consumer.getFunctionName(), consumer.getWorkerId()));
            text.append(String.format("    slots: %d, in flight: %d, handed back: %d, grabbing: %s%n",
                    consumer.getJobSlots(), consumer.getInFlightJobs(), consumer.getHandedBackJobs(),
                    consumer.isGrabbingPaused() ? "paused" : "yes"));
            for (ServerStatus server : consumer.getServerStatuses()) {
                text.append(String.format("    server %s: %d/%d connections registered, %d reconnects%s%n",
                        server.server(), server.connected(), server.connections(), server.reconnects(),
                        server.lastError() == null ? "" : ", last error: " + server.lastError()));
            }
        }
        return text.toString();
    }

    @Override
    protected JsonObject doCallJson(Map<String, Object> options) {
        JsonArray consumers = new JsonArray();
        for (Route route : gearmanRoutes()) {
            GearmanConsumer consumer = (GearmanConsumer) route.getConsumer();
            JsonObject json = new JsonObject();
            json.put("routeId", route.getRouteId());
            json.put("function", consumer.getFunctionName());
            json.put("workerId", consumer.getWorkerId());
            json.put("slots", consumer.getJobSlots());
            json.put("inFlight", consumer.getInFlightJobs());
            json.put("handedBack", consumer.getHandedBackJobs());
            json.put("grabbingPaused", consumer.isGrabbingPaused());
            JsonArray servers = new JsonArray();
            for (ServerStatus server : consumer.getServerStatuses()) {
                JsonObject s = new JsonObject();
                s.put("server", server.server().toString());
                s.put("connected", server.connected());
                s.put("connections", server.connections());
                s.put("reconnects", server.reconnects());
                if (server.lastError() != null) {
                    s.put("lastError", server.lastError());
                    s.put("lastErrorTime", String.valueOf(server.lastErrorTime()));
                }
                servers.add(s);
            }
            json.put("servers", servers);
            consumers.add(json);
        }
        JsonObject root = new JsonObject();
        root.put("consumers", consumers);
        return root;
    }

    private List<Route> gearmanRoutes() {
        List<Route> routes = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof GearmanConsumer) {
                routes.add(route);
            }
        }
        return routes;
    }
}
