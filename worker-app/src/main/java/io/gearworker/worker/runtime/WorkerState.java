package io.gearworker.worker.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxLifetimeRoutePolicy;
import io.gearworker.camel.gearman.policy.RestartPolicySupport;
import io.gearworker.worker.fleet.WorkerStatus;
import org.apache.camel.CamelContext;
import org.apache.camel.main.MainSupport;

/**
 * What an observer (metrics, health probes, the control command {@code status}) may read of a running worker: its
 * state, its job consumers and the limits left, each computed here only. Read-only: nothing here takes part in the
 * stop path.
 */
public final class WorkerState {

    public static final String RUNNING = "running";
    public static final String QUIET = "quiet";
    public static final String STOPPING = "stopping";
    public static final List<String> STATES = List.of(RUNNING, QUIET, STOPPING);

    private final WorkerSettings settings;
    private final MainSupport main;
    private final WorkerMode mode;
    private final JobCounter jobs;
    private final List<RestartPolicySupport> policies;
    private final Instant started = Instant.now();

    WorkerState(WorkerSettings settings, MainSupport main, WorkerMode mode, JobCounter jobs,
                List<RestartPolicySupport> policies) {
        this.settings = settings;
        this.main = main;
        this.mode = mode;
        this.jobs = jobs;
        this.policies = policies;
    }

    public WorkerSettings settings() {
        return settings;
    }

    /** {@link #RUNNING}, {@link #QUIET} (after the control command {@code quiet}) or {@link #STOPPING}. */
    public String state() {
        return mode.state();
    }

    /** Why the worker is stopping, or {@code null}. */
    public String stopReason() {
        return mode.stopReason();
    }

    /** The Camel context, or {@code null} while camel-main has not created it yet. */
    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    /** The consumers of the job routes (not the control function's); empty before the routes exist. */
    public List<GearmanConsumer> jobConsumers() {
        CamelContext context = camelContext();
        return context == null ? List.of() : WorkerControl.jobConsumers(context);
    }

    /** Jobs this process may still take under {@code --max-jobs}; empty when that limit is off. */
    public OptionalLong jobsLeft() {
        for (RestartPolicySupport p : policies) {
            if (p instanceof MaxJobsRoutePolicy maxJobs) {
                return OptionalLong.of(maxJobs.getLimit() - maxJobs.getJobsTaken());
            }
        }
        return OptionalLong.empty();
    }

    /** Seconds left of {@code --max-lifetime} (jitter included); empty when that limit is off. */
    public OptionalLong lifetimeLeftSeconds() {
        for (RestartPolicySupport p : policies) {
            if (p instanceof MaxLifetimeRoutePolicy lifetime) {
                long left = lifetime.getLifetime().minus(Duration.between(started, Instant.now())).toSeconds();
                return OptionalLong.of(Math.max(0, left));
            }
        }
        return OptionalLong.empty();
    }

    /** Everything above in one answer, as the control command {@code status} gives it. */
    public WorkerStatus status() {
        List<GearmanConsumer> consumers = jobConsumers();
        Long maxJobs = null;
        Long maxLifetime = null;
        for (RestartPolicySupport p : policies) {
            if (p instanceof MaxJobsRoutePolicy m) {
                maxJobs = (long) m.getLimit();
            } else if (p instanceof MaxLifetimeRoutePolicy l) {
                maxLifetime = l.getLifetime().toSeconds();
            }
        }
        WorkerStatus.Limits limits = new WorkerStatus.Limits(maxJobs, boxed(jobsLeft()), maxLifetime,
                boxed(lifetimeLeftSeconds()), settings.limits().maxMemory());
        return new WorkerStatus(settings.workerId(), ProcessHandle.current().pid(), state(),
                Duration.between(started, Instant.now()).toSeconds(), jobs.done(),
                consumers.stream().mapToInt(GearmanConsumer::getInFlightJobs).sum(), settings.concurrency(),
                settings.servers(),
                consumers.stream().map(c -> c.getEndpoint().getConfiguration().getFunctionName()).toList(), limits);
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
