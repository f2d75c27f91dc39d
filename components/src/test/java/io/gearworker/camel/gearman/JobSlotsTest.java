package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job-slot gate shared by all connections of one consumer. */
@Timeout(30)
class JobSlotsTest {

    /** Long enough that a wrongly released acquirer would have finished. */
    private static final Duration STAYS_BLOCKED = Duration.ofMillis(300);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void capacityIsNeverExceededUnderContention() throws Exception {
        int capacity = 3;
        JobSlots slots = new JobSlots(capacity);
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 1000; i++) {
                    assertThat(slots.acquire()).isTrue();
                    try {
                        max.accumulateAndGet(current.incrementAndGet(), Math::max);
                        Thread.yield(); // widen the window in which another holder could overlap
                    } finally {
                        current.decrementAndGet();
                        slots.release();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> w : workers) {
            w.get(20, TimeUnit.SECONDS);
        }

        assertThat(max.get()).isBetween(1, capacity);
        assertThat(slots.inUse()).isZero();
    }

    @Test
    void allSlotsCanBeHeldAtOnceAndTheNextAcquirerWaitsForARelease() throws Exception {
        JobSlots slots = new JobSlots(3);
        for (int i = 0; i < 3; i++) {
            assertThat(slots.acquire()).isTrue();
        }
        assertThat(slots.inUse()).isEqualTo(3);

        CompletableFuture<Boolean> fourth = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !fourth.isDone());

        slots.release();
        assertThat(fourth.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.inUse()).isEqualTo(3);
    }

    @Test
    void aBudgetSharedByTwoConsumersWakesTheOtherWhenAGrabComesBackEmpty() throws Exception {
        // a worker's job routes share one max-jobs budget; each route has its own gate
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(1);
        JobSlots reverse = new JobSlots(1, List.of(budget));
        JobSlots sleep = new JobSlots(1, List.of(budget));
        assertThat(sleep.acquire()).as("sleep's grab holds the only reservation").isTrue();

        CompletableFuture<Boolean> reverseGrab = acquireInBackground(reverse);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !reverseGrab.isDone());

        sleep.release(true); // NO_JOB: the reservation comes back
        assertThat(reverseGrab.get(5, TimeUnit.SECONDS)).as("reverse may grab now").isTrue();
    }

    @Test
    void pauseBlocksAcquireUntilResume() throws Exception {
        JobSlots slots = new JobSlots(2);
        slots.pause();
        assertThat(slots.isPaused()).isTrue();

        CompletableFuture<Boolean> acquirer = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !acquirer.isDone());
        assertThat(slots.inUse()).isZero();

        slots.resume();
        assertThat(acquirer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.isPaused()).isFalse();
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void pauseLeavesSlotsInFlightAlone() throws Exception {
        JobSlots slots = new JobSlots(2);
        assertThat(slots.acquire()).isTrue();

        slots.pause();
        assertThat(slots.inUse()).isEqualTo(1);
        slots.release();

        assertThat(slots.inUse()).isZero();
    }

    @Test
    void resumeWakesEveryWaiterThatHasASlot() throws Exception {
        JobSlots slots = new JobSlots(3);
        slots.pause();
        List<CompletableFuture<Boolean>> acquirers = List.of(
                acquireInBackground(slots), acquireInBackground(slots), acquireInBackground(slots));
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3))
                .until(() -> acquirers.stream().noneMatch(CompletableFuture::isDone));

        slots.resume();

        for (CompletableFuture<Boolean> a : acquirers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(slots.inUse()).isEqualTo(3);
    }

    @Test
    void closeReleasesEveryBlockedAcquirerWithFalse() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isTrue();
        List<CompletableFuture<Boolean>> acquirers = List.of(
                acquireInBackground(slots), acquireInBackground(slots), acquireInBackground(slots));
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3))
                .until(() -> acquirers.stream().noneMatch(CompletableFuture::isDone));

        slots.close();

        for (CompletableFuture<Boolean> a : acquirers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void closeReleasesAcquirersBlockedByPause() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.pause();
        CompletableFuture<Boolean> acquirer = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !acquirer.isDone());

        slots.close();

        assertThat(acquirer.get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void acquireAfterCloseFailsAtOnceEvenWithFreeSlots() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.close();

        assertThat(slots.acquire()).isFalse();
        assertThat(slots.inUse()).isZero();
        assertThat(slots.isPaused()).as("closed counts as paused").isTrue();
    }

    @Test
    void resumeDoesNotReopenAClosedGate() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.close();
        slots.resume();

        assertThat(slots.acquire()).isFalse();
        assertThat(slots.isPaused()).isTrue();
    }

    @Test
    void mayKeepWhenOpenAndNobodyWaits() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isTrue();

        assertThat(slots.mayKeep()).isTrue();
    }

    @Test
    void mayNotKeepWhenPaused() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isTrue();
        slots.pause();

        assertThat(slots.mayKeep()).isFalse();
        slots.resume();
        assertThat(slots.mayKeep()).isTrue();
    }

    @Test
    void mayNotKeepWhenClosed() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isTrue();
        slots.close();

        assertThat(slots.mayKeep()).isFalse();
    }

    @Test
    void mayNotKeepWhileAnotherConnectionWaitsForASlot() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isTrue();
        assertThat(slots.mayKeep()).isTrue();

        CompletableFuture<Boolean> waiter = acquireInBackground(slots);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slots.mayKeep()).isFalse());
        assertThat(waiter).isNotDone();

        slots.release();
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(slots.mayKeep()).as("the waiter got the slot; nobody waits now").isTrue();
    }

    private CompletableFuture<Boolean> acquireInBackground(JobSlots slots) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                result.complete(slots.acquire());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
