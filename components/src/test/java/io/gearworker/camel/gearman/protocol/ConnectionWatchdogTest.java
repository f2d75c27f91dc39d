package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionWatchdogTest {

    /** tick() = 50 ms: the slack within which a deadline waits for the planned look. */
    private static final Liveness LIVENESS = new Liveness(Duration.ofSeconds(1), Duration.ofMillis(500),
            Duration.ofSeconds(10));

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ConnectionWatchdog watchdog = new ConnectionWatchdog(scheduler, LIVENESS);

    @AfterEach
    void stop() {
        watchdog.close();
        scheduler.shutdownNow();
    }

    /** A connection that needs a look every {@code nextLookNanos}, counting the looks it gets. */
    private static final class Probe implements ConnectionWatchdog.Watched {
        final AtomicInteger looks = new AtomicInteger();
        final AtomicLong nextLookNanos;
        volatile ConnectionWatchdog watchdog;

        Probe(long nextLookNanos) {
            this.nextLookNanos = new AtomicLong(nextLookNanos);
        }

        @Override
        public long check(long nowNanos) {
            looks.incrementAndGet();
            return nextLookNanos.get();
        }

        @Override
        public void watchedBy(ConnectionWatchdog w) {
            watchdog = w;
        }
    }

    @Test
    void connectionThatNeedsNothingIsLookedAtOnceWhenWatchedThenLeftAlone() throws Exception {
        Probe idle = new Probe(Long.MAX_VALUE);
        watchdog.watch(idle);

        await().atMost(Duration.ofSeconds(2)).until(() -> idle.looks.get() == 1);
        Thread.sleep(300); // a fixed 50 ms tick would have looked six more times
        assertThat(idle.looks).hasValue(1);
        assertThat(idle.watchdog).isSameAs(watchdog);
    }

    @Test
    void looksComeWhenTheConnectionSaysItsNextDeadlineIsDue() throws Exception {
        Probe periodic = new Probe(TimeUnit.MILLISECONDS.toNanos(200));
        long start = System.nanoTime();
        watchdog.watch(periodic);

        await().atMost(Duration.ofSeconds(3)).until(() -> periodic.looks.get() >= 5);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(elapsedMillis).as("five looks 200 ms apart").isGreaterThanOrEqualTo(800);
    }

    @Test
    void aDeadlineEarlierThanThePlannedLookIsLookedAtInTime() {
        Probe sleeping = new Probe(TimeUnit.SECONDS.toNanos(30));
        watchdog.watch(sleeping);
        await().atMost(Duration.ofSeconds(2)).until(() -> sleeping.looks.get() == 1);

        long asked = System.nanoTime();
        watchdog.lookWithin(TimeUnit.MILLISECONDS.toNanos(100));

        await().atMost(Duration.ofSeconds(2)).until(() -> sleeping.looks.get() == 2);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertThat(tookMillis).as("look after (ms)").isGreaterThanOrEqualTo(100);
    }

    @Test
    void aDeadlineWithinTheSlackOfThePlannedLookWaitsForIt() throws Exception {
        Probe probe = new Probe(TimeUnit.MILLISECONDS.toNanos(400));
        watchdog.watch(probe);
        await().atMost(Duration.ofSeconds(2)).until(() -> probe.looks.get() == 1);

        watchdog.lookWithin(TimeUnit.MILLISECONDS.toNanos(380)); // 20 ms before the planned look: no look of its own

        await().atMost(Duration.ofSeconds(2)).until(() -> probe.looks.get() == 2);
        Thread.sleep(150);
        assertThat(probe.looks).as("one look for both deadlines").hasValue(2);
    }

    @Test
    void afterCloseNoMoreLooks() throws Exception {
        Probe periodic = new Probe(TimeUnit.MILLISECONDS.toNanos(20));
        watchdog.watch(periodic);
        await().atMost(Duration.ofSeconds(2)).until(() -> periodic.looks.get() >= 2);

        watchdog.close();
        int looks = periodic.looks.get();
        Thread.sleep(200);
        assertThat(periodic.looks.get()).isLessThanOrEqualTo(looks + 1); // one sweep may have been under way
    }
}
