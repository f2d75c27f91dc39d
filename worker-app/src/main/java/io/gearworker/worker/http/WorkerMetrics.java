package io.gearworker.worker.http;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.worker.runtime.WorkerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The worker's metrics in a Prometheus registry: job counters per function ({@link JobMetrics}), gauges read from
 * the worker at scrape time (jobs in flight and slots per function, connection state per server, the worker's
 * state and limits left) and the JVM's (memory, GC, threads, CPU, uptime, classes). Gauges cost nothing between
 * scrapes.
 */
final class WorkerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WorkerState worker;
    private final JobMetrics jobs = new JobMetrics(registry);
    private final Set<String> functionsSeen = ConcurrentHashMap.newKeySet();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    WorkerMetrics(WorkerState worker) {
        this.worker = worker;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        registerWorkerGauges();
        registerServerGauges();
    }

    /** The listener to register with the gearman component, so that every job is counted. */
    JobMetrics jobListener() {
        return jobs;
    }

    /** The Prometheus text exposition of every metric. */
    String scrape() {
        registerFunctionGauges();
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private void registerWorkerGauges() {
        for (String state : WorkerState.STATES) {
            Gauge.builder("gearman.worker.state", worker, w -> state.equals(w.state()) ? 1 : 0)
                    .description("1 for the worker's current state: running, quiet (not grabbing) or stopping")
                    .tag("state", state)
                    .register(registry);
        }
        if (worker.jobsLeft().isPresent()) {
            Gauge.builder("gearman.worker.limit.jobs.left", worker, w -> w.jobsLeft().orElse(0))
                    .description("Jobs this process may still take before it restarts (--max-jobs)")
                    .register(registry);
        }
        if (worker.lifetimeLeftSeconds().isPresent()) {
            Gauge.builder("gearman.worker.limit.lifetime.left", worker, w -> w.lifetimeLeftSeconds().orElse(0))
                    .description("Time left before this process restarts (--max-lifetime, jitter included)")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    private void registerServerGauges() {
        for (ServerAddress server : ServerAddress.parseList(worker.settings().servers())) {
            String name = server.toString();
            Gauge.builder("gearman.server.connected", worker,
                            w -> w.jobConsumers().stream().anyMatch(c -> status(c, name) > 0) ? 1 : 0)
                    .description("1 while at least one job connection to this gearmand server is registered")
                    .tag("server", name)
                    .register(registry);
            FunctionCounter.builder("gearman.reconnects", worker, w -> sumOverConsumers(w.jobConsumers(),
                            c -> c.getServerStatuses().stream().filter(s -> s.server().toString().equals(name))
                                    .mapToLong(ServerStatus::reconnects).sum()))
                    .description("Connection attempts to this gearmand server after a lost or failed connection")
                    .tag("server", name)
                    .register(registry);
        }
    }

    /** Per-function gauges, once the job routes exist (and for any function a YAML route adds). */
    private void registerFunctionGauges() {
        for (GearmanConsumer consumer : worker.jobConsumers()) {
            String function = consumer.getEndpoint().getConfiguration().getFunctionName();
            if (!functionsSeen.add(function)) {
                continue;
            }
            jobs.register(function);
            Gauge.builder("gearman.jobs.in.flight", worker,
                            w -> sumOverConsumers(of(w, function), GearmanConsumer::getInFlightJobs))
                    .description("Jobs grabbed whose result has not been sent yet")
                    .tag("function", function)
                    .register(registry);
            Gauge.builder("gearman.job.slots", worker, w -> sumOverConsumers(of(w, function),
                            c -> c.getEndpoint().getConfiguration().getConcurrentConsumers()))
                    .description("Job slots: the most jobs of this function run at once")
                    .tag("function", function)
                    .register(registry);
        }
    }

    private static List<GearmanConsumer> of(WorkerState worker, String function) {
        return worker.jobConsumers().stream()
                .filter(c -> c.getEndpoint().getConfiguration().getFunctionName().equals(function))
                .toList();
    }

    private static double sumOverConsumers(List<GearmanConsumer> consumers, ToDoubleFunction<GearmanConsumer> f) {
        return consumers.stream().mapToDouble(f).sum();
    }

    private static int status(GearmanConsumer consumer, String server) {
        return consumer.getServerStatuses().stream().filter(s -> s.server().toString().equals(server))
                .mapToInt(ServerStatus::connected).sum();
    }
}
