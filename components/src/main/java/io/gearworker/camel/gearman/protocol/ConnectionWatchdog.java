package io.gearworker.camel.gearman.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines of a group of connections (one consumer's, one client's) from one scheduled task, so
 * their readers can block on the socket without a timeout: a timed read would turn the JDK socket non-blocking
 * for good and cost every later read an EAGAIN and a poll. A sweep asks every watched connection to send its
 * heartbeat when due and to close itself when an awaited answer is overdue (closing unblocks its reader with an
 * exception); each answers when it next needs a look, and the next sweep runs at the earliest of those. A
 * connection whose new deadline comes before the planned sweep calls {@link #lookWithin}. An idle worker's watchdog
 * therefore wakes only when a heartbeat or an answer is due, not at a fixed tick.
 */
public final class ConnectionWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatchdog.class);
    /** A sweep never follows the last one sooner than this: a look that is due again at once cannot spin. */
    private static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Something the watchdog looks at when one of its deadlines is due. */
    public interface Watched {

        /**
         * Sends a due heartbeat, closes an overdue connection. Must not block.
         *
         * @return nanoseconds from {@code nowNanos} until it next needs a look; {@link Long#MAX_VALUE}: none until
         *         it calls {@link #lookWithin}
         */
        long check(long nowNanos);

        /** Called by {@link #watch}: the watchdog to tell of a deadline that comes before its planned sweep. */
        void watchedBy(ConnectionWatchdog watchdog);
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final long slackNanos;
    private final Object plan = new Object();
    private ScheduledFuture<?> sweep;    // guarded by plan: the planned sweep, null when none is planned
    private volatile long sweepAtNanos;  // when the planned sweep runs (System.nanoTime()); valid while planned
    private volatile boolean planned;
    private boolean closed;              // guarded by plan

    /**
     * @param liveness its {@linkplain Liveness#tick() tick} is how late a deadline may be enforced: a deadline that
     *                 falls within it of the planned sweep waits for that sweep rather than planning its own
     */
    public ConnectionWatchdog(ScheduledExecutorService scheduler, Liveness liveness) {
        this.scheduler = scheduler;
        this.slackNanos = liveness.tick().toNanos();
    }

    public void watch(Watched w) {
        watched.add(w);
        w.watchedBy(this);
        lookWithin(0);
    }

    public void unwatch(Watched w) {
        watched.remove(w);
    }

    /**
     * A watched connection needs a look within {@code delayNanos} from now. Cheap when the planned sweep comes early
     * enough (a volatile read): connections call it on every request they await an answer to.
     */
    public void lookWithin(long delayNanos) {
        long at = System.nanoTime() + delayNanos;
        if (planned && at - sweepAtNanos >= -slackNanos) {
            return;
        }
        synchronized (plan) {
            if (!closed && (!planned || sweepAtNanos - at > slackNanos)) {
                planAt(at, delayNanos);
            }
        }
    }

    /** Guarded by plan. */
    private void planAt(long atNanos, long delayNanos) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        sweepAtNanos = atNanos;
        planned = true;
        try {
            sweep = scheduler.schedule(this::sweep, Math.max(MIN_DELAY_NANOS, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            planned = false; // the scheduler is shutting down with its owner: nothing is left to watch
            sweep = null;
        }
    }

    private void sweep() {
        synchronized (plan) {
            // from here a new deadline plans a sweep of its own; one set before is seen by the checks below
            planned = false;
            sweep = null;
        }
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Watched w : watched) {
            try {
                next = Math.min(next, w.check(now));
            } catch (RuntimeException e) {
                // one connection's trouble must not end the sweeps that guard all the others
                LOG.warn("Liveness check of {} failed", w, e);
                next = Math.min(next, slackNanos);
            }
        }
        if (next != Long.MAX_VALUE) {
            lookWithin(next - (System.nanoTime() - now));
        }
    }

    /** Stops the sweeps; the connections are closed by their owners. */
    @Override
    public void close() {
        synchronized (plan) {
            closed = true;
            planned = false;
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
        watched.clear();
    }
}
