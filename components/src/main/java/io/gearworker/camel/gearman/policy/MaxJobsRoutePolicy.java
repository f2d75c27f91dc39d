package io.gearworker.camel.gearman.policy;

import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.JobAdmission;

/**
 * Restart after N Gearman jobs. The count is kept at grab time across every slot, server and route the policy is
 * attached to: a grab first reserves one of the N, a NO_JOB gives it back, so no process ever takes more than N
 * jobs whatever its concurrency. When the N-th job is taken, grabbing stops (no reservation is left) and a restart
 * is requested; the jobs in flight finish during the drain.
 * <p>
 * Unlike camel-main's {@code durationMaxMessages}, which counts every exchange of the context, this counts only
 * the Gearman jobs of its routes (control jobs on other routes don't count).
 */
public class MaxJobsRoutePolicy extends RestartPolicySupport implements JobAdmission {

    private final int limit;
    private final AtomicInteger reservedOrTaken = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();

    /** @param maxJobs jobs before restart (>= 1); @param jitter extra jobs, 0..jitter drawn once */
    public MaxJobsRoutePolicy(int maxJobs, int jitter) {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("max-jobs must be >= 1, was " + maxJobs);
        }
        this.limit = Math.toIntExact(maxJobs + Jitter.draw(jitter));
    }

    public MaxJobsRoutePolicy(int maxJobs) {
        this(maxJobs, 0);
    }

    /** The limit of this process: max-jobs plus the jitter drawn. */
    public int getLimit() {
        return limit;
    }

    public int getJobsTaken() {
        return taken.get();
    }

    @Override
    public boolean tryReserve() {
        while (true) {
            int n = reservedOrTaken.get();
            if (n >= limit) {
                return false;
            }
            if (reservedOrTaken.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public void cancelReservation() {
        reservedOrTaken.decrementAndGet();
    }

    @Override
    public void jobTaken() {
        if (taken.incrementAndGet() == limit) {
            fire("max-jobs", limit + " jobs taken");
        }
    }
}
