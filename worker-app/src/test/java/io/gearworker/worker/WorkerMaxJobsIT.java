package io.gearworker.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_FAILED;
import static io.gearworker.worker.runtime.EventType.JOB_HANDED_BACK;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code --max-jobs}: a worker takes at most N Gearman jobs (counted when grabbed, whatever its slots), drains
 * them, exits 0 with reason {@code max-jobs}, and the next process - started by a respawn loop, as supervisord's
 * {@code autorestart} does - carries on. Across the processes no job is lost and none runs twice.
 */
class WorkerMaxJobsIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void oneSlotFiveJobsPerProcessUnderARespawnLoop() throws Exception {
        Map<String, WorkerProcessHandle> startedIn = runUnderRespawnLoop("maxjobs-1slot", 12, 50, 1,
                jobsPerProcess -> assertThat(jobsPerProcess).as("jobs per process: all 12 queued up front")
                        .containsExactly(5, 5, 2));
        assertThat(startedIn).hasSize(12);
    }

    @Test
    void fourSlotsNeverMoreThanFiveJobsPerProcess() throws Exception {
        Map<String, WorkerProcessHandle> startedIn = runUnderRespawnLoop("maxjobs-4slots", 40, 100, 4,
                // eight processes take five each; the ninth, still idle, is the one stopped with SIGTERM
                jobsPerProcess -> assertThat(jobsPerProcess).containsExactly(5, 5, 5, 5, 5, 5, 5, 5, 0));
        assertThat(startedIn).hasSize(40);
    }

    @Test
    void sigtermDuringAMaxJobsDrainChangesNothing() throws Exception {
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            List<CompletableFuture<JobResult>> results = List.of(sleep(client, 2000), sleep(client, 2000));
            awaitQueued(2);

            try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                    .workerId(WorkerProcessHandle.uniqueWorkerId("maxjobs-drain"))
                    .args("--max-jobs", "2", "--concurrency", "2").start()) {
                worker.awaitEvents(JOB_STARTED, 2, LIMIT);
                // the second job used up the budget: the worker is draining both
                assertThat(worker.awaitEvent(STOPPING, LIMIT).reason()).isEqualTo("max-jobs");

                worker.signal("TERM");
                worker.awaitStderr("ignoring sigterm", LIMIT);
                assertThat(worker.isAlive()).as("still draining the 2 s jobs").isTrue();

                for (CompletableFuture<JobResult> r : results) {
                    assertThat(text(r.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("slept 2000 ms");
                }
                assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();

                assertThat(worker.events(STOPPING)).as("the first stop reason wins; SIGTERM adds nothing")
                        .hasSize(1);
                assertThat(worker.events(JOB_ENDED)).hasSize(2);
                WorkerEvent exit = last(worker);
                assertThat(exit.type()).isEqualTo(EXIT);
                assertThat(exit.reason()).isEqualTo("max-jobs");
                assertThat(exit.code()).isZero();
                assertThat(exit.jobs()).isEqualTo(2L);
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }

    @Test
    void controlJobsDoNotCount() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("maxjobs-control")).args("--max-jobs", "1").start()) {
            worker.awaitEvent(READY, LIMIT);
            for (int i = 0; i < 3; i++) {
                ExternalProcess.Result status = ExternalProcess.run(LIMIT, "gearman", "-h", "127.0.0.1", "-p",
                        Integer.toString(GEARMAND.port()), "-f", "_worker_" + worker.workerId(), "status");
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat(status.stdout()).as(status.toString()).contains("\"jobs_left\":1");
            }
            assertThat(worker.events(STOPPING)).as("three control jobs, no job: still serving").isEmpty();

            assertThat(Gearman.call(GEARMAND.address(), "reverse", "one", LIMIT)).isEqualTo("eno");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
            WorkerEvent exit = last(worker);
            assertThat(exit.reason()).isEqualTo("max-jobs");
            assertThat(exit.jobs()).isEqualTo(1L);
        }
    }

    /**
     * Submits {@code jobs} foreground {@code sleep} jobs (sleeping {@code millis + i} ms, so each result tells which
     * job it answers), then runs {@code --max-jobs 5} workers with {@code slots} slots, one after another under a
     * respawn loop, until every result is in; then stops the last worker with SIGTERM. Checks every process and
     * returns in which process each job handle started.
     */
    private Map<String, WorkerProcessHandle> runUnderRespawnLoop(String name, int jobs, int millis, int slots,
            Consumer<List<Integer>> jobsPerProcessCheck) throws Exception {
        String workerId = WorkerProcessHandle.uniqueWorkerId(name);
        Map<String, Integer> expected = new LinkedHashMap<>(); // handle -> millis
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            List<CompletableFuture<JobResult>> results = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                results.add(sleep(client, millis + i));
            }
            awaitQueued(jobs); // all queued before the first worker starts

            WorkerProcessHandle.Builder program = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(workerId)
                    .args("--max-jobs", "5", "--concurrency", Integer.toString(slots));
            try (RespawnLoop loop = RespawnLoop.start(program, 20)) {
                for (int i = 0; i < jobs; i++) {
                    JobResult r = results.get(i).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(text(r)).as("result of job " + i).isEqualTo("slept " + (millis + i) + " ms");
                    expected.put(r.handle(), millis + i);
                }
                assertThat(expected).as("one handle per job").hasSize(jobs);

                // a process that reached its limit logged `stopping` when it took its last job, before that
                // job's result came back: so the steady process found now is the last one
                WorkerProcessHandle last = loop.awaitSteady(LIMIT);
                loop.stop();
                last.signal("TERM");
                assertThat(last.awaitExit(LIMIT)).as(last.diagnostics()).isZero();

                List<WorkerProcessHandle> processes = loop.processes();
                assertThat(processes.get(processes.size() - 1)).as("no process after the one stopped").isSameAs(last);
                Map<String, WorkerProcessHandle> startedIn = new LinkedHashMap<>();
                List<Integer> jobsPerProcess = new ArrayList<>();
                for (WorkerProcessHandle p : processes) {
                    assertThat(p.awaitExit(LIMIT)).as(p.diagnostics()).isZero();
                    List<WorkerEvent> started = p.events(JOB_STARTED);
                    jobsPerProcess.add(started.size());
                    assertThat(started).as("jobs taken by " + p).hasSizeLessThanOrEqualTo(5);
                    for (WorkerEvent e : started) {
                        WorkerProcessHandle before = startedIn.put(e.handle(), p);
                        assertThat(before).as("job " + e.handle() + " started in " + before + " and again in " + p)
                                .isNull();
                    }
                    assertThat(p.events()).as("each job of " + p + " ended there").filteredOn(e -> e.handle() != null)
                            .extracting(WorkerEvent::type).doesNotContain(JOB_FAILED, JOB_HANDED_BACK);
                    assertThat(p.events(JOB_ENDED)).extracting(WorkerEvent::handle)
                            .containsExactlyInAnyOrderElementsOf(started.stream().map(WorkerEvent::handle).toList());
                    assertThat(maxInFlight(p.events())).as("jobs at once in " + p).isLessThanOrEqualTo(slots);

                    String reason = p == last ? "sigterm" : "max-jobs";
                    assertThat(p.events(STOPPING)).extracting(WorkerEvent::reason).as(p.toString())
                            .containsExactly(reason);
                    WorkerEvent exit = last(p);
                    assertThat(exit.type()).as(p.diagnostics()).isEqualTo(EXIT);
                    assertThat(exit.reason()).as(p.toString()).isEqualTo(reason);
                    assertThat(exit.code()).as(p.toString()).isZero();
                    assertThat(exit.jobs()).as(p.toString()).isEqualTo((long) started.size());
                    assertThat(p.stdoutNoise()).isEmpty();
                }
                System.out.printf("%s: %d processes, jobs per process %s%n", name, processes.size(), jobsPerProcess);
                assertThat(startedIn.keySet()).as("every job started exactly once, nothing else")
                        .isEqualTo(expected.keySet());
                jobsPerProcessCheck.accept(jobsPerProcess);
                assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand")
                        .isZero();
                return startedIn;
            }
        }
    }

    /** The most jobs a process had started and not yet ended at one time, from its event log. */
    private static int maxInFlight(List<WorkerEvent> events) {
        Set<String> running = new HashSet<>();
        int max = 0;
        for (WorkerEvent e : events) {
            if (e.is(JOB_STARTED)) {
                running.add(e.handle());
                max = Math.max(max, running.size());
            } else if (e.handle() != null) {
                running.remove(e.handle());
            }
        }
        return max;
    }

    private static CompletableFuture<JobResult> sleep(GearmanClient client, int millis) {
        return client.submit(JobRequest.foreground("sleep",
                Integer.toString(millis).getBytes(StandardCharsets.UTF_8)));
    }

    private static void awaitQueued(int jobs) {
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(20))
                .until(() -> Gearman.status(GEARMAND.address(), "sleep").total() == jobs);
    }

    private static String text(JobResult r) {
        return new String(r.data(), StandardCharsets.UTF_8);
    }

    private static WorkerEvent last(WorkerProcessHandle p) {
        List<WorkerEvent> events = p.events();
        return events.get(events.size() - 1);
    }
}
