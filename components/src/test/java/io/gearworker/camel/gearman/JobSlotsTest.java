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
                    JobPermit permit = slots.acquire();
                    assertThat(permit).isNotNull();
                    try {
                        max.accumulateAndGet(current.incrementAndGet(), Math::max);
                        Thread.yield(); // widen the window in which another holder could overlap
                    } finally {
                        current.decrementAndGet();
                        permit.release();
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
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void allSlotsCanBeHeldAtOnceAndTheNextAcquirerWaitsForARelease() throws Exception {
        JobSlots slots = new JobSlots(3);
        List<JobPermit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            permits.add(slots.acquire());
        }
        assertThat(permits).doesNotContainNull();
        assertThat(slots.inFlight()).isEqualTo(3);

        CompletableFuture<JobPermit> fourth = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !fourth.isDone());

        permits.get(0).release();
        assertThat(fourth.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(slots.inFlight()).isEqualTo(3);
    }

    @Test
    void aBudgetSharedByTwoConsumersWakesTheOtherWhenAGrabComesBackEmpty() throws Exception {
        // a worker's job routes share one max-jobs budget; each route has its own gate
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(1);
        JobSlots reverse = new JobSlots(1, List.of(budget));
        JobSlots sleep = new JobSlots(1, List.of(budget));
        JobPermit sleepGrab = sleep.acquire();
        assertThat(sleepGrab).as("sleep's grab holds the only reservation").isNotNull();

        CompletableFuture<JobPermit> reverseGrab = acquireInBackground(reverse);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !reverseGrab.isDone());

        sleepGrab.release(); // NO_JOB: the reservation comes back
        assertThat(reverseGrab.get(5, TimeUnit.SECONDS)).as("reverse may grab now").isNotNull();
    }

    @Test
    void pauseBlocksAcquireUntilResume() throws Exception {
        JobSlots slots = new JobSlots(2);
        slots.pause();
        assertThat(slots.isPaused()).isTrue();

        CompletableFuture<JobPermit> acquirer = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !acquirer.isDone());
        assertThat(slots.inFlight()).isZero();

        slots.resume();
        assertThat(acquirer.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(slots.isPaused()).isFalse();
        assertThat(slots.inFlight()).isEqualTo(1);
    }

    @Test
    void pauseLeavesSlotsInFlightAlone() throws Exception {
        JobSlots slots = new JobSlots(2);
        JobPermit permit = slots.acquire();

        slots.pause();
        assertThat(slots.inFlight()).isEqualTo(1);
        permit.release();

        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void resumeWakesEveryWaiterThatHasASlot() throws Exception {
        JobSlots slots = new JobSlots(3);
        slots.pause();
        List<CompletableFuture<JobPermit>> acquirers = List.of(
                acquireInBackground(slots), acquireInBackground(slots), acquireInBackground(slots));
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3))
                .until(() -> acquirers.stream().noneMatch(CompletableFuture::isDone));

        slots.resume();

        for (CompletableFuture<JobPermit> a : acquirers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(slots.inFlight()).isEqualTo(3);
    }

    @Test
    void closeReleasesEveryBlockedAcquirerWithFalse() throws Exception {
        JobSlots slots = new JobSlots(1);
        assertThat(slots.acquire()).isNotNull();
        List<CompletableFuture<JobPermit>> acquirers = List.of(
                acquireInBackground(slots), acquireInBackground(slots), acquireInBackground(slots));
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3))
                .until(() -> acquirers.stream().noneMatch(CompletableFuture::isDone));

        slots.close();

        for (CompletableFuture<JobPermit> a : acquirers) {
            assertThat(a.get(5, TimeUnit.SECONDS)).isNull();
        }
        assertThat(slots.inFlight()).isEqualTo(1);
    }

    @Test
    void closeReleasesAcquirersBlockedByPause() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.pause();
        CompletableFuture<JobPermit> acquirer = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(STAYS_BLOCKED.multipliedBy(3)).until(() -> !acquirer.isDone());

        slots.close();

        assertThat(acquirer.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void acquireAfterCloseFailsAtOnceEvenWithFreeSlots() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.close();

        assertThat(slots.acquire()).isNull();
        assertThat(slots.inFlight()).isZero();
        assertThat(slots.isPaused()).as("closed counts as paused").isTrue();
    }

    @Test
    void resumeDoesNotReopenAClosedGate() throws Exception {
        JobSlots slots = new JobSlots(4);
        slots.close();
        slots.resume();

        assertThat(slots.acquire()).isNull();
        assertThat(slots.isPaused()).isTrue();
    }

    /** A permit whose grab brought a job, as after JOB_ASSIGN: ready to be renewed for the next grab. */
    private static JobPermit withJob(JobSlots slots) throws InterruptedException {
        JobPermit permit = slots.acquire();
        assertThat(permit).isNotNull();
        permit.jobTaken();
        return permit;
    }

    @Test
    void mayKeepWhenOpenAndNobodyWaits() throws Exception {
        JobSlots slots = new JobSlots(1);

        assertThat(withJob(slots).renew()).isTrue();
    }

    @Test
    void mayNotKeepWhenPaused() throws Exception {
        JobSlots slots = new JobSlots(1);
        JobPermit permit = withJob(slots);
        slots.pause();

        assertThat(permit.renew()).isFalse();
        slots.resume();
        assertThat(permit.renew()).isTrue();
    }

    @Test
    void mayNotKeepWhenClosed() throws Exception {
        JobSlots slots = new JobSlots(1);
        JobPermit permit = withJob(slots);
        slots.close();

        assertThat(permit.renew()).isFalse();
    }

    @Test
    void mayNotKeepWhileAnotherConnectionWaitsForASlot() throws Exception {
        JobSlots slots = new JobSlots(1);
        JobPermit permit = withJob(slots);
        assertThat(slots.mayKeep()).isTrue();

        CompletableFuture<JobPermit> waiter = acquireInBackground(slots);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slots.mayKeep()).isFalse());
        assertThat(permit.renew()).isFalse();
        assertThat(waiter).isNotDone();

        permit.release();
        JobPermit next = waiter.get(5, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
        next.jobTaken();
        assertThat(next.renew()).as("the waiter got the slot; nobody waits now").isTrue();
    }

    @Test
    void releasingAPermitTwiceFreesOneSlot() throws Exception {
        JobSlots slots = new JobSlots(2);
        JobPermit first = slots.acquire();
        JobPermit second = slots.acquire();

        first.release();
        first.release();

        assertThat(slots.inFlight()).as("the second permit still counts").isEqualTo(1);
        assertThat(first.isReleased()).isTrue();
        assertThat(first.renew()).as("a released permit carries no grab").isFalse();
        second.release();
        assertThat(slots.inFlight()).isZero();
    }

    @Test
    void aGrabWithoutJobGivesItsReservationBackOnceWhateverTheReleases() throws Exception {
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(2);
        JobSlots slots = new JobSlots(3, List.of(budget));
        JobPermit empty = slots.acquire();
        JobPermit taken = withJob(slots);

        empty.release(); // NO_JOB: its reservation comes back…
        empty.release(); // …once
        empty.jobTaken(); // a late call on a released permit takes nothing

        assertThat(budget.getJobsTaken()).isEqualTo(1);
        assertThat(slots.acquire()).as("one job of the budget is left").isNotNull();
        CompletableFuture<JobPermit> beyond = acquireInBackground(slots);
        await().during(STAYS_BLOCKED).atMost(Duration.ofSeconds(5)).until(() -> !beyond.isDone());
        taken.release();
        taken.release();
        assertThat(beyond).as("a used reservation is not given back").isNotDone();
    }

    @Test
    void jobTakenTwiceCountsOneJob() throws Exception {
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(5);
        JobPermit permit = new JobSlots(1, List.of(budget)).acquire();

        permit.jobTaken();
        permit.jobTaken();

        assertThat(budget.getJobsTaken()).isEqualTo(1);
    }

    @Test
    void aRenewedPermitThatGetsNoJobGivesTheNewReservationBack() throws Exception {
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(2);
        JobSlots slots = new JobSlots(2, List.of(budget));
        JobPermit permit = withJob(slots);
        assertThat(permit.renew()).as("the second job of the budget reserved").isTrue();

        permit.release(); // NO_JOB for the renewed grab

        assertThat(slots.acquire()).as("the reservation came back").isNotNull();
    }

    @Test
    void theLastJobOfTheBudgetFiresItsRestartRequestOutsideTheGateLock() throws Exception {
        MaxJobsRoutePolicy budget = new MaxJobsRoutePolicy(1);
        JobSlots slots = new JobSlots(1, List.of(budget));
        CompletableFuture<Boolean> gateFreeWhenFired = new CompletableFuture<>();
        budget.setRestartRequest(reason -> {
            // another thread must get through the gate's lock while the request runs
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(slots::isPaused, threads);
            try {
                gateFreeWhenFired.complete(other.get(2, TimeUnit.SECONDS) != null);
            } catch (Exception e) {
                gateFreeWhenFired.complete(false);
            }
        });

        withJob(slots);

        assertThat(gateFreeWhenFired.get(5, TimeUnit.SECONDS)).isTrue();
    }

    private CompletableFuture<JobPermit> acquireInBackground(JobSlots slots) {
        CompletableFuture<JobPermit> result = new CompletableFuture<>();
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
