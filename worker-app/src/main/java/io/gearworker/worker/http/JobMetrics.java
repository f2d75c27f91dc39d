package io.gearworker.worker.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.camel.gearman.GearmanJobListener;
import io.gearworker.worker.fleet.ControlFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Counts jobs per function as the component reports them: started, completed, failed, handed back, and how long
 * each took from assignment to its result (a histogram). Control jobs ({@code _worker_<id>}) are not work and are
 * not counted. Called on the consumers' threads: a map look-up and an adder increment per event.
 */
final class JobMetrics implements GearmanJobListener {

    /** Histogram buckets of {@code gearman_job_duration_seconds}: from a fast in-memory job to a long batch. */
    static final Duration[] DURATION_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300) };

    private final MeterRegistry registry;
    private final Map<String, FunctionMeters> byFunction = new ConcurrentHashMap<>();
    private final Map<GearmanJob, Long> startNanos = new ConcurrentHashMap<>();

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Creates the meters of a function (at 0) so a scrape shows it before its first job. */
    void register(String function) {
        meters(function);
    }

    @Override
    public void jobStarted(GearmanJob job) {
        if (isControl(job)) {
            return;
        }
        startNanos.put(job, System.nanoTime());
        meters(job.function()).started.increment();
    }

    @Override
    public void jobCompleted(GearmanJob job) {
        if (isControl(job)) {
            return;
        }
        FunctionMeters m = meters(job.function());
        m.completed.increment();
        recordDuration(job, m);
    }

    @Override
    public void jobFailed(GearmanJob job, Throwable cause) {
        if (isControl(job)) {
            return;
        }
        FunctionMeters m = meters(job.function());
        m.failed.increment();
        recordDuration(job, m);
    }

    @Override
    public void jobHandedBack(GearmanJob job, String reason) {
        if (isControl(job)) {
            return;
        }
        startNanos.remove(job);
        meters(job.function()).handedBack.increment();
    }

    private void recordDuration(GearmanJob job, FunctionMeters m) {
        Long start = startNanos.remove(job);
        if (start != null) {
            m.duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private FunctionMeters meters(String function) {
        FunctionMeters m = byFunction.get(function);
        return m != null ? m : byFunction.computeIfAbsent(function, f -> new FunctionMeters(registry, f));
    }

    private static boolean isControl(GearmanJob job) {
        return ControlFunction.isControl(job.function());
    }

    /** The meters of one function, looked up once per event. */
    private static final class FunctionMeters {
        final Counter started;
        final Counter completed;
        final Counter failed;
        final Counter handedBack;
        final Timer duration;

        FunctionMeters(MeterRegistry registry, String function) {
            started = counter(registry, "gearman.jobs.started", function, "Jobs assigned to this worker");
            completed = counter(registry, "gearman.jobs.completed", function,
                    "Jobs whose route succeeded and whose WORK_COMPLETE gearmand processed");
            failed = counter(registry, "gearman.jobs.failed", function,
                    "Jobs whose route failed (WORK_FAIL or WORK_EXCEPTION sent)");
            handedBack = counter(registry, "gearman.jobs.handed.back", function,
                    "Jobs whose connection closed before their result was sent: gearmand runs them again");
            duration = Timer.builder("gearman.job.duration")
                    .description("Time from a job's assignment to its result")
                    .tag("function", function)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry);
        }

        private static Counter counter(MeterRegistry registry, String name, String function, String description) {
            return Counter.builder(name).description(description).tag("function", function).register(registry);
        }
    }
}
