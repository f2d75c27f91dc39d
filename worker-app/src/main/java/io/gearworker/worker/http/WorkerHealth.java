package io.gearworker.worker.http;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import io.gearworker.worker.runtime.WorkerState;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The answers of {@code /health/live} and {@code /health/ready}: the worker's own view (its state, its job routes,
 * its gearmand connections) combined with every check in Camel's health-check registry (the context, the routes,
 * and whatever checks the components register), so a component's check counts without code here.
 */
final class WorkerHealth {

    /** One answer: UP (HTTP 200) or DOWN (503), why, and the JSON body. */
    record Answer(boolean up, String reason, String json) {
        int httpStatus() {
            return up ? 200 : 503;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final WorkerState worker;
    private final Heartbeat heartbeat;

    WorkerHealth(WorkerState worker, Heartbeat heartbeat) {
        this.worker = worker;
        this.heartbeat = heartbeat;
    }

    /**
     * Live while the process is not stuck: the heartbeat thread ticks, and once Camel runs, no liveness check of
     * its registry is DOWN. Starting, quiet and draining workers are live: restarting them would help nothing.
     */
    Answer live() {
        long age = heartbeat.ageMillis();
        CamelContext context = worker.camelContext();
        Collection<HealthCheck.Result> checks = context != null && context.isStarted()
                ? HealthCheckHelper.invokeLiveness(context) : List.of();
        String reason;
        boolean up;
        if (age > heartbeat.staleAfterMillis()) {
            up = false;
            reason = "heartbeat stale: last tick " + age + " ms ago";
        } else if (context != null && context.getStatus() == ServiceStatus.Stopped && worker.stopReason() == null) {
            up = false;
            reason = "Camel context stopped without a stop request";
        } else {
            String down = firstDown(checks);
            up = down == null;
            reason = up ? "live (" + worker.state() + ")" : down;
        }
        return answer(up, reason, checks, g -> g.writeNumberField("heartbeat_age_ms", age));
    }

    /**
     * Ready to take jobs: running (not quiet, not stopping), Camel and every job route started, at least one job
     * connection registered with a gearmand server, and no readiness check of Camel's registry DOWN.
     */
    Answer ready() {
        CamelContext context = worker.camelContext();
        List<GearmanConsumer> consumers = worker.jobConsumers();
        String state = worker.state();
        Collection<HealthCheck.Result> checks = context != null && context.isStarted()
                ? HealthCheckHelper.invokeReadiness(context) : List.of();
        String reason = null;
        if (WorkerState.STOPPING.equals(state)) {
            reason = "stopping (" + worker.stopReason() + "): draining, takes no new job";
        } else if (WorkerState.QUIET.equals(state)) {
            reason = "quiet: not taking jobs until 'resume'";
        } else if (context == null || !context.isStarted()) {
            reason = "starting: Camel context is " + (context == null ? "not created yet" : context.getStatus());
        } else if (consumers.isEmpty()) {
            reason = "no job route";
        } else {
            reason = notStartedRoute(context, consumers);
            if (reason == null && consumers.stream().flatMap(c -> c.getServerStatuses().stream())
                    .noneMatch(ServerStatus::isConnected)) {
                reason = "no gearmand connection registered" + lastError(consumers);
            }
            if (reason == null) {
                reason = firstDown(checks);
            }
        }
        boolean up = reason == null;
        return answer(up, up ? "ready: taking jobs" : reason, checks, g -> {
            g.writeObjectFieldStart("servers");
            for (Map.Entry<String, Boolean> s : servers(consumers).entrySet()) {
                g.writeStringField(s.getKey(), s.getValue() ? "connected" : "not connected");
            }
            g.writeEndObject();
        });
    }

    private static String notStartedRoute(CamelContext context, List<GearmanConsumer> consumers) {
        for (GearmanConsumer c : consumers) {
            String routeId = c.getRouteId();
            ServiceStatus status = routeId == null ? null : context.getRouteController().getRouteStatus(routeId);
            if (status != ServiceStatus.Started) {
                return "route " + routeId + " is " + status;
            }
        }
        return null;
    }

    private static Map<String, Boolean> servers(List<GearmanConsumer> consumers) {
        Map<String, Boolean> servers = new TreeMap<>();
        for (GearmanConsumer c : consumers) {
            for (ServerStatus s : c.getServerStatuses()) {
                servers.merge(s.server().toString(), s.isConnected(), Boolean::logicalOr);
            }
        }
        return servers;
    }

    private static String lastError(List<GearmanConsumer> consumers) {
        return consumers.stream().flatMap(c -> c.getServerStatuses().stream())
                .filter(s -> s.lastError() != null)
                .max((a, b) -> a.lastErrorTime().compareTo(b.lastErrorTime()))
                .map(s -> "; last error (" + s.server() + "): " + s.lastError())
                .orElse("");
    }

    private static String firstDown(Collection<HealthCheck.Result> checks) {
        return checks.stream().filter(r -> r.getState() == HealthCheck.State.DOWN).findFirst()
                .map(r -> "health check " + r.getCheck().getId() + " is DOWN"
                          + r.getMessage().map(m -> ": " + m).orElse(""))
                .orElse(null);
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private Answer answer(boolean up, String reason, Collection<HealthCheck.Result> checks, Fields more) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", up ? "UP" : "DOWN");
            g.writeStringField("reason", reason);
            g.writeStringField("worker", worker.settings().workerId());
            g.writeStringField("state", worker.state());
            more.write(g);
            g.writeObjectFieldStart("checks");
            for (HealthCheck.Result r : sorted(checks, r -> r.getCheck().getId())) {
                g.writeStringField(r.getCheck().getId(), r.getState().name());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(up, reason, out.toString());
    }

    private static <T> List<T> sorted(Collection<T> items, Function<T, String> key) {
        return items.stream().sorted((a, b) -> key.apply(a).compareTo(key.apply(b))).toList();
    }
}
