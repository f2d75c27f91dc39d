package io.gearworker.worker.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxLifetimeRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxMemoryRoutePolicy;
import io.gearworker.camel.gearman.policy.RestartPolicySupport;

/** The worker's restart conditions; a {@code null} limit is off. */
public record RestartLimits(Integer maxJobs, int maxJobsJitter, Duration maxLifetime, Duration lifetimeJitter,
                     Long maxMemory) {

    /** One policy per limit set, each drawing its jitter now (once per process). */
    List<RestartPolicySupport> policies() {
        List<RestartPolicySupport> policies = new ArrayList<>();
        if (maxJobs != null) {
            policies.add(new MaxJobsRoutePolicy(maxJobs, maxJobsJitter));
        }
        if (maxLifetime != null) {
            policies.add(new MaxLifetimeRoutePolicy(maxLifetime, lifetimeJitter));
        }
        if (maxMemory != null) {
            policies.add(new MaxMemoryRoutePolicy(maxMemory));
        }
        return policies;
    }
}
