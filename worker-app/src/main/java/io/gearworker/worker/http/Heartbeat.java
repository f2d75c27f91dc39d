package io.gearworker.worker.http;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A thread that ticks once a second, for the liveness probe: when the JVM stops scheduling threads (a GC death
 * spiral, a stop-the-world that does not end, thread exhaustion), the last tick ages and {@code /health/live}
 * says so.
 */
final class Heartbeat implements AutoCloseable {

    private static final long TICK_MILLIS = 1000;
    private static final long STALE_AFTER_MILLIS = 10_000;

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-http-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastTickNanos = System.nanoTime();

    Heartbeat() {
        ticker.scheduleAtFixedRate(() -> lastTickNanos = System.nanoTime(), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastTickNanos);
    }

    long staleAfterMillis() {
        return STALE_AFTER_MILLIS;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
