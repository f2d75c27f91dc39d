package io.gearworker.worker.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.gearworker.camel.gearman.GearmanConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.MainSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a worker is asked to leave. The first request wins and names the exit reason: it logs
 * {@code stopping}, stops every job consumer from grabbing at once, waits (up to the shutdown timeout) for the
 * jobs in flight to be acknowledged, then completes camel-main, whose graceful shutdown finds nothing left to wait
 * for (Camel's own wait re-checks only once a second). Jobs still running when the timeout is spent are left to
 * Camel's shutdown, which hands them back. Later requests are logged and ignored, so a SIGTERM during a max-jobs
 * drain changes nothing.
 * <p>
 * The control function ({@code _worker_<id>}) keeps answering while the jobs drain - {@code status} then says
 * {@code stopping} - and stops grabbing only once they are done.
 * The worker's {@link WorkerMode} says from the request on that it is stopping; a {@code resume} cannot reopen
 * grabbing after that.
 */
public final class StopControl {

    private static final Logger LOG = LoggerFactory.getLogger(StopControl.class);
    private static final long DRAIN_POLL_MILLIS = 10;

    private final WorkerMode mode;
    private final ReentrantLock starting = new ReentrantLock();
    private final MainSupport main;
    private final EventLog events;
    private final JobCounter jobs;
    private final Duration shutdownTimeout;

    StopControl(WorkerMode mode, MainSupport main, EventLog events, JobCounter jobs, Duration shutdownTimeout) {
        this.mode = mode;
        this.main = main;
        this.events = events;
        this.jobs = jobs;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Asks the worker to drain and exit. Safe from any thread, including a signal handler; it waits only while the
     * routes are starting ({@link #beginStart}), so that a stop is either before the routes start (none starts) or
     * after (they drain).
     */
    void request(String why) {
        starting.lock();
        try {
            if (mode.stop(why)) {
                LOG.info("Stopping ({}): no new jobs; {} job(s) done so far", why, jobs.done());
                events.stopping(why, jobs.done());
                Thread drain = new Thread(this::drainThenStop, "worker-drain");
                drain.start();
            } else {
                LOG.info("Already stopping ({}); ignoring {}", mode.stopReason(), why);
            }
        } finally {
            starting.unlock();
        }
    }

    /**
     * Called right before Camel starts the routes: holds stop requests off until {@link #endStart}, and tells
     * whether a stop was requested already (then no route may start). Without this, a request between that check
     * and the routes starting would let routes start, and take jobs, after it.
     */
    boolean beginStart() {
        starting.lock();
        return mode.stopping();
    }

    /** Called once the routes started (or start-up failed), on the thread that called {@link #beginStart}. */
    void endStart() {
        if (starting.isHeldByCurrentThread()) {
            starting.unlock();
        }
    }

    private void drainThenStop() {
        try {
            CamelContext context = main.getCamelContext();
            if (context != null && context.isStarted()) {
                drain(context);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Drain before shutdown failed ({}); Camel's shutdown takes over", e.getMessage(), e);
        } finally {
            main.completed();
        }
    }

    private void drain(CamelContext context) throws Exception {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        // first the job routes; the control function answers on meanwhile (status says 'stopping')
        List<GearmanConsumer> jobConsumers = WorkerControl.jobConsumers(context);
        suspend(jobConsumers); // the mode says stopping already: no resume can undo this
        awaitNoneInFlight(jobConsumers, deadline);
        // then the control function too, its last answer (e.g. to 'terminate') sent: Camel's shutdown then finds
        // nothing in flight, where its own wait would re-check only a second later
        List<GearmanConsumer> all = context.getRoutes().stream()
                .map(Route::getConsumer)
                .filter(GearmanConsumer.class::isInstance)
                .map(GearmanConsumer.class::cast)
                .toList();
        suspend(all);
        awaitNoneInFlight(all, deadline);
        // what is left of the timeout is Camel's, which then hands back whatever still runs
        long leftMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        context.getShutdownStrategy().setTimeout(leftMillis);
    }

    private static void suspend(List<GearmanConsumer> consumers) throws Exception {
        for (GearmanConsumer c : consumers) {
            ServiceHelper.suspendService(c);
        }
    }

    private static void awaitNoneInFlight(List<GearmanConsumer> consumers, long deadline) throws InterruptedException {
        while (consumers.stream().anyMatch(c -> c.getInFlightJobs() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
    }
}
