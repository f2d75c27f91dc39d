package io.gearworker.camel.gearman.policy;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;

/**
 * Restart after a lifetime T (+ a jitter of 0..J drawn once), counted from when the first of its routes started.
 * The timer runs on a scheduler of Camel's ExecutorServiceManager, never on a job's thread, and is cancelled when
 * the policy stops (a process leaving before its lifetime must not wait for the timer).
 */
@ManagedResource(description = "Restart after a lifetime (max-lifetime)")
public class MaxLifetimeRoutePolicy extends RestartPolicySupport {

    private final Duration lifetime;
    private ScheduledExecutorService scheduler;
    private CamelContext context; // of the scheduler: Camel calls onRemove for every route before doStop
    private volatile long startedNanos;

    public MaxLifetimeRoutePolicy(Duration maxLifetime, Duration jitter) {
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("max-lifetime must be > 0, was " + maxLifetime);
        }
        this.lifetime = maxLifetime.plusMillis(Jitter.draw(jitter.toMillis()));
    }

    /** The lifetime of this process: max-lifetime plus the jitter drawn. */
    public Duration getLifetime() {
        return lifetime;
    }

    @ManagedAttribute(description = "Lifetime of this process (ms): max-lifetime plus the jitter drawn")
    public long getLifetimeMillis() {
        return lifetime.toMillis();
    }

    /** Time left before the restart (ms); the whole lifetime before the timer started. */
    @ManagedAttribute(description = "Time left before the restart (ms), counted from when the first route started")
    public long getTimeLeftMillis() {
        long started = startedNanos;
        if (started == 0) {
            return lifetime.toMillis();
        }
        return Math.max(0, lifetime.toMillis() - (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public synchronized void onStart(Route route) {
        if (scheduler == null) {
            context = route.getCamelContext();
            startedNanos = System.nanoTime();
            scheduler = context.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "MaxLifetimeRoutePolicy");
            scheduler.schedule(() -> fire("max-lifetime", "alive for " + lifetime.toMillis() + " ms"),
                    lifetime.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (scheduler != null) {
            // now, not left to Camel's fail-safe: its graceful shutdown would wait for the pending timer (10 s)
            context.getExecutorServiceManager().shutdownNow(scheduler);
        }
        scheduler = null;
        context = null;
        super.doStop();
    }
}
