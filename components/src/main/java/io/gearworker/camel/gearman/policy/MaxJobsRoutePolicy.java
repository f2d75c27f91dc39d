package io.gearworker.camel.gearman.policy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.JobAdmission;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * Restart after N Gearman jobs. The count is kept at grab time across every slot, server and route the policy is
 * attached to: a grab first reserves one of the N, a NO_JOB gives it back, so no process ever takes more than N
 * jobs whatever its concurrency. When the N-th job is taken, grabbing stops (no reservation is left) and a restart
 * is requested; the jobs in flight finish during the drain.
 * <p>
 * One policy may serve several routes (e.g. every job route of a worker): a reservation given back by one
 * route's consumer wakes the others waiting for the budget.
 * <p>
 * Unlike camel-main's {@code durationMaxMessages}, which counts every exchange of the context, this counts only
 * the Gearman jobs of its routes (control jobs on other routes don't count).
 */
@ManagedResource(description = "Restart after N Gearman jobs (max-jobs)")
public class MaxJobsRoutePolicy extends RestartPolicySupport implements JobAdmission {

    private final int limit;
    private final AtomicInteger reservedOrTaken = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();
    private final List<Runnable> cancelListeners = new CopyOnWriteArrayList<>();

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
    @ManagedAttribute(description = "Jobs this process takes before it restarts: max-jobs plus the jitter drawn")
    public int getLimit() {
        return limit;
    }

    @ManagedAttribute(description = "Jobs taken (grabbed) so far")
    public int getJobsTaken() {
        return taken.get();
    }

    @ManagedAttribute(description = "Jobs left before the restart")
    public int getJobsLeft() {
        return Math.max(0, limit - taken.get());
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
        cancelListeners.forEach(Runnable::run);
    }

    @Override
    public void undoReservation() {
        reservedOrTaken.decrementAndGet();
    }

    @Override
    public void addCancelListener(Runnable listener) {
        cancelListeners.add(listener);
    }

    @Override
    public void removeCancelListener(Runnable listener) {
        cancelListeners.remove(listener);
    }

    @Override
    public void jobTaken() {
        if (taken.incrementAndGet() == limit) {
            fire("max-jobs", limit + " jobs taken");
        }
    }
}
