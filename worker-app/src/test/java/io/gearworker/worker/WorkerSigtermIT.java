package io.gearworker.worker;

import io.gearworker.worker.runtime.EventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, as supervisord sends it: the worker stops taking jobs, finishes the ones it has, and exits 0 with the
 * reason in its event log - whether idle, busy, or still starting.
 */
class WorkerSigtermIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void anIdleWorkerExits0AtOnce() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.awaitEvent(READY, LIMIT);

            long t0 = System.nanoTime();
            worker.signal("TERM");
            int code = worker.awaitExit(LIMIT);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("idle worker: SIGTERM -> exit in %d ms%n", millis);

            assertThat(code).as(worker.diagnostics()).isZero();
            assertThat(millis).as("SIGTERM to exit, idle").isLessThan(2000);
            List<WorkerEvent> events = worker.events();
            assertThat(events).extracting(WorkerEvent::type).containsExactly(READY, STOPPING, EXIT);
            assertThat(events.get(1).reason()).isEqualTo("sigterm");
            WorkerEvent exit = events.get(2);
            assertThat(exit.reason()).isEqualTo("sigterm");
            assertThat(exit.code()).isZero();
            assertThat(exit.jobs()).isZero();
            assertThat(worker.stdoutNoise()).isEmpty();
        }
    }

    @Test
    void sigtermWhileAJobRunsFinishesTheJobOnceThenExits0() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "25s", "-f", "sleep", "3000")) {
                String handle = worker.awaitEvent(JOB_STARTED, e -> "sleep".equals(e.function()), LIMIT).handle();

                worker.signal("TERM");
                worker.awaitEvent(STOPPING, LIMIT);
                assertThat(worker.isAlive()).as("still working on the job").isTrue();

                ExternalProcess.Result result = client.await(LIMIT);
                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.stdout()).isEqualTo("slept 3000 ms\n");
                assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();

                List<WorkerEvent> events = worker.events();
                assertThat(events).filteredOn(e -> handle.equals(e.handle())).extracting(WorkerEvent::type)
                        .as("the job ran exactly once, here").containsExactly(JOB_STARTED, JOB_ENDED);
                assertThat(events).extracting(WorkerEvent::type)
                        .containsExactly(READY, JOB_STARTED, STOPPING, JOB_ENDED, EXIT);
                assertThat(events.get(2).reason()).isEqualTo("sigterm");
                WorkerEvent exit = events.get(4);
                assertThat(exit.reason()).isEqualTo("sigterm");
                assertThat(exit.code()).isZero();
                assertThat(exit.jobs()).isEqualTo(1L);
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }

    @Test
    void sigtermDuringStartUpExits0WithoutTakingAJob(@TempDir Path dir) throws IOException {
        // a job waits in gearmand for a function only this worker has: if it started serving, it would take it
        String function = Gearman.uniqueFunction("startup");
        Path routes = writeRoute(dir, function);
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            client.submit(JobRequest.background(function, "queued".getBytes(StandardCharsets.UTF_8)))
                    .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
        }

        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--routes", routes.toString()).start()) {
            // from this log line on, the worker handles SIGTERM itself; camel-main is still to start
            worker.awaitStderr(" starting: servers ", LIMIT);
            worker.signal("TERM");

            long t0 = System.nanoTime();
            int code = worker.awaitExit(LIMIT);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(code).as(worker.diagnostics()).isZero();
            assertThat(millis).as("exit after a SIGTERM during start-up").isLessThan(5000);
            List<WorkerEvent> events = worker.events();
            assertThat(events).extracting(WorkerEvent::type).as("never ready, no job")
                    .containsExactly(STOPPING, EXIT);
            assertThat(events.get(0).reason()).isEqualTo("sigterm");
            assertThat(events.get(1).reason()).isEqualTo("sigterm");
            assertThat(events.get(1).code()).isZero();
        }
        assertThat(Gearman.status(GEARMAND.address(), function).total()).as("the job is still queued").isOne();
    }

    @Test
    void aSigtermAnywhereInTheStartUpWindowStartsNoRouteAfterIt(@TempDir Path dir) throws Exception {
        // 10 runs, each with jobs queued before start for a function only that worker has, and a SIGTERM 0 to
        // 1.35 s after the worker's handler is installed (its "starting" log line): over camel-main's start-up.
        // Each run either stops before any route starts (no ready, no job) or starts them all and drains.
        int notStarted = 0;
        int drained = 0;
        for (int run = 0; run < 10; run++) {
            long delayMillis = run * 150L;
            String function = Gearman.uniqueFunction("sweep");
            Path routes = writeRoute(dir, function);
            try (GearmanClient client = Gearman.client(GEARMAND.address())) {
                for (int j = 0; j < 3; j++) {
                    client.submit(JobRequest.background(function, "queued".getBytes(StandardCharsets.UTF_8)))
                            .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
                }
            }
            try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                    .args("--routes", routes.toString()).start()) {
                worker.awaitStderr(" starting: servers ", LIMIT);
                Thread.sleep(delayMillis);
                worker.signal("TERM");
                int code = worker.awaitExit(LIMIT);
                List<WorkerEvent> events = worker.events();
                String story = "SIGTERM " + delayMillis + " ms after start-up began: " + events + "\n"
                               + worker.diagnostics();
                assertThat(code).as(story).isZero();
                List<EventType> names = events.stream().map(WorkerEvent::type).toList();
                assertThat(names).as(story).endsWith(EXIT).filteredOn(STOPPING::equals).hasSize(1);
                if (!names.contains(READY)) {
                    assertThat(names).as("not ready, so no route started: " + story)
                            .containsExactly(STOPPING, EXIT);
                    assertThat(Gearman.status(GEARMAND.address(), function).total()).as(story).isEqualTo(3);
                    notStarted++;
                } else {
                    assertThat(names.indexOf(READY)).as("ready before stopping: " + story)
                            .isLessThan(names.indexOf(STOPPING));
                    Map<String, Long> starts = events.stream().filter(e -> e.is(JOB_STARTED))
                            .collect(Collectors.groupingBy(WorkerEvent::handle, Collectors.counting()));
                    Map<String, Long> ends = events.stream().filter(e -> e.is(JOB_ENDED))
                            .collect(Collectors.groupingBy(WorkerEvent::handle, Collectors.counting()));
                    assertThat(ends).as("every job taken was finished: " + story).isEqualTo(starts);
                    drained++;
                }
            }
        }
        System.out.printf("SIGTERM sweep over start-up: %d run(s) stopped before the routes, %d drained%n",
                notStarted, drained);
    }

    @Test
    void sigtermRightAfterLaunchNeverHangs() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.signal("TERM");

            int code = worker.awaitExit(Duration.ofSeconds(10));
            // 0: our handler saw it (start-up is aborted, exit reason sigterm); 143 = 128 + SIGTERM: it came while
            // the JVM was still booting, before any of the worker's code ran, and the JVM's default ended it
            System.out.printf("SIGTERM right after launch: exit %d after %d ms%n", code, worker.uptimeMillis());
            assertThat(code).as(worker.diagnostics()).isIn(0, 143);
            if (code == 0) {
                WorkerEvent last = worker.events().get(worker.events().size() - 1);
                assertThat(last.type()).isEqualTo(EXIT);
                assertThat(last.reason()).isEqualTo("sigterm");
            } else {
                assertThat(worker.events()).isEmpty();
            }
            assertThat(worker.events(JOB_STARTED)).isEmpty();
        }
    }

    /** A YAML route serving the function with a constant result. */
    static Path writeRoute(Path dir, String function) throws IOException {
        return Files.writeString(dir.resolve(function + ".camel.yaml"), """
                - route:
                    id: %s
                    from:
                      uri: "gearman:%s"
                      steps:
                        - setBody:
                            constant: done
                """.formatted(function, function));
    }
}
