package io.gearworker.camel.gearman.health;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of a Gearman consumer: UP while at least one of its connections is registered with a gearmand (so jobs
 * can reach it) and it is taking jobs. DOWN while no connection to any server is registered (gearmand down or
 * unreachable, or silent for longer than the liveness bound, heartbeatInterval + answerTimeout; the message carries
 * the last connection error), and while the consumer is suspended (the worker's
 * {@code quiet}, or a drain): it serves no job then, so it is not ready. Details, per server:
 * {@code server.<host:port>.connected} (registered connections), {@code .connections}, {@code .reconnects},
 * {@code .last.error}; and {@code function}, {@code worker.id}, {@code suspended}.
 * <p>
 * Camel's {@code consumers} health-check repository finds it through the consumer ({@code HealthCheckAware}) and
 * reports it as {@code consumer:<routeId>}.
 */
public class GearmanConsumerHealthCheck extends AbstractHealthCheck {

    private final GearmanConsumer consumer;

    public GearmanConsumerHealthCheck(GearmanConsumer consumer, String routeId) {
        super("camel", "gearman-consumer-" + routeId);
        this.consumer = consumer;
    }

    @Override
    public boolean isLiveness() {
        // a lost gearmand is not fixed by restarting the worker: it reconnects by itself
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<ServerStatus> servers = consumer.getServerStatuses();
        boolean suspended = consumer.isSuspendingOrSuspended() || consumer.isGrabbingPaused();
        builder.detail("function", consumer.getEndpoint().getConfiguration().getFunctionName());
        builder.detail("worker.id", consumer.getEndpoint().workerId());
        builder.detail("suspended", suspended);
        for (ServerStatus s : servers) {
            String prefix = "server." + s.server() + ".";
            builder.detail(prefix + "connected", s.connected());
            builder.detail(prefix + "connections", s.connections());
            builder.detail(prefix + "reconnects", s.reconnects());
            if (s.lastError() != null) {
                builder.detail(prefix + "last.error", s.lastError());
                builder.detail(prefix + "last.error.time", String.valueOf(s.lastErrorTime()));
            }
        }
        if (servers.stream().noneMatch(ServerStatus::isConnected)) {
            builder.down().message("no registered connection to any gearmand: " + servers.stream()
                    .map(s -> s.server() + (s.lastError() != null ? " (" + s.lastError() + ")" : " (connecting)"))
                    .collect(Collectors.joining(", ")));
        } else if (suspended) {
            builder.down().message("suspended: not taking jobs (quiet, or stopping)");
        } else {
            builder.up();
        }
    }
}
