package io.gearworker.worker.http.dashboard;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * gearmand's queues for Prometheus, summed over the servers, through the same registry type as the worker's own
 * {@code /metrics}: {@code gearman_queue_jobs} by function and state ({@code queued}: waiting for a worker,
 * {@code running}), {@code gearman_queue_workers} by function, and {@code gearman_queue_server_up} by server. What
 * a queue-depth autoscaler (KEDA's Prometheus scaler) reads.
 * <p>
 * A function gearmand no longer lists loses its series. Any client can make gearmand list a function (submitting a
 * job is enough), so at most {@code maxFunctions} functions get series: those that have them keep them, new ones
 * join in name order while there is room, and {@code gearman_queue_functions_dropped} counts the ones left out.
 * {@code gearman_admin_anomalies_total} counts admin reply lines that did not fit their format.
 */
final class QueueMetrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final int MAX_FUNCTIONS = 1000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final int maxFunctions;
    private final Map<String, FunctionGauges> functions = new HashMap<>();
    private final Map<String, AtomicInteger> serversUp = new HashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final LongSupplier adminAnomalies; // held here: the registry holds a counter's source only weakly

    QueueMetrics(int maxFunctions) {
        this(maxFunctions, () -> 0);
    }

    /** @param adminAnomalies lines of gearmand's admin replies so far that did not fit their format */
    QueueMetrics(int maxFunctions, LongSupplier adminAnomalies) {
        this.maxFunctions = maxFunctions;
        this.adminAnomalies = adminAnomalies;
        FunctionCounter.builder("gearman.admin.anomalies", adminAnomalies, LongSupplier::getAsLong)
                .description("Lines of gearmand's workers/status replies that did not fit the format (a function name"
                             + " with a newline, a tab or a lone dot); they are skipped, never fatal.")
                .register(registry);
        Gauge.builder("gearman.queue.functions.dropped", dropped, AtomicInteger::get)
                .description("Functions gearmand lists that have no series here: more than " + maxFunctions
                             + " functions are listed.")
                .register(registry);
    }

    /** The queues of the snapshot in Prometheus text format (0.0.4). */
    synchronized String text(FleetSnapshot snapshot) {
        update(snapshot);
        return registry.scrape();
    }

    private void update(FleetSnapshot snapshot) {
        Map<String, int[]> byFunction = new TreeMap<>(); // queued, running, workers
        for (FleetSnapshot.FunctionQueue f : snapshot.functions()) {
            int[] sums = byFunction.computeIfAbsent(f.function(), k -> new int[3]);
            sums[0] += f.queued();
            sums[1] += f.running();
            sums[2] += f.workers();
        }
        for (Iterator<Map.Entry<String, FunctionGauges>> it = functions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, FunctionGauges> e = it.next();
            if (!byFunction.containsKey(e.getKey())) {
                e.getValue().meters.forEach(registry::remove);
                it.remove();
            }
        }
        int left = 0;
        for (Map.Entry<String, int[]> e : byFunction.entrySet()) {
            FunctionGauges gauges = functions.get(e.getKey());
            if (gauges == null) {
                if (functions.size() >= maxFunctions) {
                    left++;
                    continue;
                }
                gauges = new FunctionGauges(registry, e.getKey());
                functions.put(e.getKey(), gauges);
            }
            gauges.queued.set(e.getValue()[0]);
            gauges.running.set(e.getValue()[1]);
            gauges.workers.set(e.getValue()[2]);
        }
        dropped.set(left);
        for (FleetSnapshot.Server server : snapshot.servers()) {
            serversUp.computeIfAbsent(server.server(), s -> {
                AtomicInteger up = new AtomicInteger();
                Gauge.builder("gearman.queue.server.up", up, AtomicInteger::get)
                        .description("1 when the server answered the admin commands, else 0.")
                        .tag("server", s)
                        .register(registry);
                return up;
            }).set(server.reachable() ? 1 : 0);
        }
    }

    /** The series of one function. */
    private static final class FunctionGauges {
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger workers = new AtomicInteger();
        final List<Meter> meters;

        FunctionGauges(PrometheusMeterRegistry registry, String function) {
            String jobs = "Jobs gearmand holds for the function, over all servers: queued (waiting for a worker) or "
                          + "running.";
            meters = List.of(
                    Gauge.builder("gearman.queue.jobs", queued, AtomicInteger::get).description(jobs)
                            .tags("function", function, "state", "queued").register(registry),
                    Gauge.builder("gearman.queue.jobs", running, AtomicInteger::get).description(jobs)
                            .tags("function", function, "state", "running").register(registry),
                    Gauge.builder("gearman.queue.workers", workers, AtomicInteger::get)
                            .description("Workers registered for the function, over all servers.")
                            .tag("function", function).register(registry));
        }
    }
}
