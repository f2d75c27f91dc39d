package io.gearworker.camel.gearman.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines of a group of connections (one consumer's, one client's) from one scheduled task, so
 * their readers can block on the socket without a timeout: a timed read would turn the JDK socket non-blocking
 * for good and cost every later read an EAGAIN and a poll. Each tick asks every watched connection to send its
 * heartbeat when due and to close itself when an awaited answer is overdue; closing unblocks its reader with an
 * exception.
 */
public final class ConnectionWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatchdog.class);

    /** Something the watchdog looks at every tick. */
    @FunctionalInterface
    public interface Watched {

        /** Sends a due heartbeat, closes an overdue connection. Must not block. */
        void check(long nowNanos);
    }

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;

    public ConnectionWatchdog(ScheduledExecutorService scheduler, Liveness liveness) {
        long tick = liveness.tick().toMillis();
        this.task = scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    public void watch(Watched w) {
        watched.add(w);
    }

    public void unwatch(Watched w) {
        watched.remove(w);
    }

    private void tick() {
        long now = System.nanoTime();
        for (Watched w : watched) {
            try {
                w.check(now);
            } catch (RuntimeException e) {
                // one connection's trouble must not end the task that guards all the others
                LOG.warn("Liveness check of {} failed", w, e);
            }
        }
    }

    /** Stops the task; the connections are closed by their owners. */
    @Override
    public void close() {
        task.cancel(false);
        watched.clear();
    }
}
