package io.gearworker.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-lifetime} (and {@code --jitter}): after its lifetime a worker stops taking jobs, finishes the ones it
 * has, and exits 0 with reason {@code max-lifetime}; the jitter spreads the lifetimes of a fleet.
 * <p>
 * Lifetimes are measured from the worker's own event timestamps, {@code ready} to {@code exit}. The lifetime
 * starts when the first job route starts, a few milliseconds before {@code ready} is written (more on a busy
 * machine), so the lower bounds allow {@link #EARLY} less than the configured lifetime.
 */
class WorkerMaxLifetimeIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** How much earlier than ready the lifetime may start: route start-up left after the first job route. */
    private static final long EARLY = 200;
    /** How long after its lifetime an idle worker may take to drain (nothing) and exit. */
    private static final long EXIT_MARGIN = 1500;

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void anIdleWorkerExitsAfterItsLifetime() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("lifetime-idle")).args("--max-lifetime", "2s").start()) {
            worker.awaitEvent(READY, LIMIT);
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();

            List<WorkerEvent> events = worker.events();
            assertThat(events).extracting(WorkerEvent::type).containsExactly(READY, STOPPING, EXIT);
            assertThat(events.get(1).reason()).isEqualTo("max-lifetime");
            WorkerEvent exit = events.get(2);
            assertThat(exit.reason()).isEqualTo("max-lifetime");
            assertThat(exit.code()).isZero();
            assertThat(exit.jobs()).isZero();
            long lifetime = lifetimeMillis(worker);
            System.out.printf("idle worker, --max-lifetime 2s: ready -> exit %d ms%n", lifetime);
            assertThat(lifetime).isBetween(2000 - EARLY, 4000L);
        }
    }

    @Test
    void aBusyWorkerFinishesItsJobBeforeLeaving() throws Exception {
        try (GearmanClient client = Gearman.client(GEARMAND.address());
             WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                     .workerId(WorkerProcessHandle.uniqueWorkerId("lifetime-busy")).args("--max-lifetime", "1s")
                     .start()) {
            worker.awaitEvent(READY, LIMIT);
            CompletableFuture<JobResult> result = client.submit(JobRequest.foreground("sleep",
                    "3000".getBytes(StandardCharsets.UTF_8)));
            String handle = worker.awaitEvent(JOB_STARTED, LIMIT).handle();

            JobResult r = result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("slept 3000 ms");
            assertThat(r.handle()).isEqualTo(handle);
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();

            List<WorkerEvent> events = worker.events();
            assertThat(events).extracting(WorkerEvent::type).as("the lifetime ends during the job; it finishes first")
                    .containsExactly(READY, JOB_STARTED, STOPPING, JOB_ENDED,
                            EXIT);
            assertThat(events.get(2).reason()).isEqualTo("max-lifetime");
            assertThat(events.get(3).handle()).isEqualTo(handle);
            WorkerEvent exit = events.get(4);
            assertThat(exit.reason()).isEqualTo("max-lifetime");
            assertThat(exit.code()).isZero();
            assertThat(exit.jobs()).isEqualTo(1L);
            long stoppingAfterReady = Duration.between(events.get(0).ts(), events.get(2).ts()).toMillis();
            assertThat(stoppingAfterReady).as("stopping ~1 s after ready, not after the job")
                    .isBetween(1000 - EARLY, 2000L);
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }

    @Test
    void jitterSpreadsLifetimesAndZeroJitterKeepsThem() {
        List<WorkerProcessHandle> jittered = new ArrayList<>();
        WorkerProcessHandle unjittered = null;
        try {
            // four processes at once: the lifetimes overlap, so the test takes one lifetime, not four
            for (int i = 0; i < 3; i++) {
                jittered.add(WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId("lifetime-jitter" + i))
                        .args("--max-lifetime", "2s", "--jitter", "3s").start());
            }
            unjittered = WorkerProcessHandle.builder(GEARMAND.servers())
                    .workerId(WorkerProcessHandle.uniqueWorkerId("lifetime-nojitter"))
                    .args("--max-lifetime", "2s", "--jitter", "0s").start();

            List<Long> lifetimes = new ArrayList<>();
            for (WorkerProcessHandle w : jittered) {
                lifetimes.add(exitedForLifetime(w));
            }
            long plain = exitedForLifetime(unjittered);
            System.out.printf("--max-lifetime 2s --jitter 3s: %s ms; --jitter 0s: %d ms%n", lifetimes, plain);

            assertThat(lifetimes).as("each 2 s + a jitter of 0..3 s").allSatisfy(
                    ms -> assertThat(ms).isBetween(2000 - EARLY, 5000 + EXIT_MARGIN));
            // Each process draws its jitter uniformly from 0..3000 ms. Three draws that land in the same 100 ms
            // bucket happen about once in 900 runs (1/30 squared, a bit more at bucket edges); asking for at least
            // two distinct values instead of three makes that the only way to fail, while a jitter that is not
            // drawn (or drawn once for all) fails every time.
            Set<Long> distinct = new TreeSet<>();
            lifetimes.forEach(ms -> distinct.add(Math.round(ms / 100.0)));
            assertThat(distinct).as("lifetimes rounded to 100 ms: " + lifetimes).hasSizeGreaterThanOrEqualTo(2);

            assertThat(plain).as("--jitter 0s: the lifetime itself").isBetween(2000 - EARLY, 2000 + EXIT_MARGIN);
        } finally {
            jittered.forEach(WorkerProcessHandle::close);
            if (unjittered != null) {
                unjittered.close();
            }
        }
    }

    /** Waits for the worker's max-lifetime exit (code 0, reason max-lifetime) and returns its ready -> exit time. */
    private static long exitedForLifetime(WorkerProcessHandle worker) {
        worker.awaitEvent(READY, LIMIT);
        assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        WorkerEvent exit = worker.awaitEvent(EXIT, LIMIT);
        assertThat(exit.reason()).as(worker.diagnostics()).isEqualTo("max-lifetime");
        assertThat(exit.code()).isZero();
        return lifetimeMillis(worker);
    }

    private static long lifetimeMillis(WorkerProcessHandle worker) {
        return Duration.between(worker.awaitEvent(READY, LIMIT).ts(), worker.awaitEvent(EXIT, LIMIT).ts())
                .toMillis();
    }
}
