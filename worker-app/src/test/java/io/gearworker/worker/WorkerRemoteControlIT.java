package io.gearworker.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_FAILED;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Remote control through each worker's control function {@code _worker_<id>} (the seed's naming): the
 * {@code terminate} command for one worker or all of them, the seed's own way with the gearman CLI, waiting for busy
 * workers and giving up after {@code --wait}, {@code quiet} / {@code resume}, the control secret, several gearmand
 * servers, and a workload the control function does not know.
 * <p>
 * Every test ends with no worker of its own left on any server (see {@link #noWorkerLeft()}), so {@code --all}
 * in one test never reaches another test's workers.
 */
class WorkerRemoteControlIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String SECRET = "s3cret";

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    /** A second server, for workers connected to several. */
    @RegisterExtension
    static final GearmandExtension GEARMAND_2 = new GearmandExtension();

    private final List<WorkerProcessHandle> workers = new CopyOnWriteArrayList<>();

    @AfterEach
    void noWorkerLeft() {
        workers.forEach(WorkerProcessHandle::close);
        for (ServerAddress server : List.of(GEARMAND.address(), GEARMAND_2.address())) {
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() -> Gearman.ADMIN.workers(server)
                    .stream().noneMatch(w -> !w.functions().isEmpty()));
        }
    }

    @Test
    void terminateOneWorkerLeavesTheOthersRunning() {
        List<WorkerProcessHandle> started = startWorkers(GEARMAND.servers(), "w1", "w2", "w3");
        WorkerProcessHandle w1 = started.get(0);
        WorkerProcessHandle w2 = started.get(1);
        WorkerProcessHandle w3 = started.get(2);

        ExternalProcess.Result r = cli("terminate", "--servers", GEARMAND.servers(), "--worker", w2.workerId());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactly("UP " + w2.workerId(), "DOWN " + w2.workerId());
        assertExitedFor("terminate", w2);
        assertThat(w1.isAlive()).as(w1.diagnostics()).isTrue();
        assertThat(w3.isAlive()).as(w3.diagnostics()).isTrue();
        assertThat(w1.events(STOPPING)).isEmpty();
        assertThat(w3.events(STOPPING)).isEmpty();

        ExternalProcess.Result listed = cli("workers", "--servers", GEARMAND.servers());
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.stdout().lines().map(l -> l.split(" ")[0]))
                .containsExactlyInAnyOrder(w1.workerId(), w3.workerId());
    }

    @Test
    void theSeedsWayTheGearmanCliTerminatesAWorker() {
        WorkerProcessHandle w = startWorkers(GEARMAND.servers(), "seed").get(0);

        ExternalProcess.Result r = gearmanCli(GEARMAND, "-f", "_worker_" + w.workerId(), "terminate");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).as(r.toString()).startsWith("terminating " + w.workerId() + " pid " + w.pid());
        assertExitedFor("terminate", w);
        // idle, it leaves at once: the answer to 'terminate' is on the wire before Camel's shutdown looks, which
        // would otherwise wait a second before looking again (tens of ms vs. over 1000 ms)
        long exitMillis = Duration.between(w.awaitEvent(STOPPING, LIMIT).ts(), w.awaitEvent(EXIT, LIMIT).ts())
                .toMillis();
        assertThat(exitMillis).as("stopping -> exit of an idle worker, ms").isLessThan(900);
    }

    @Test
    void terminateAllWaitsForTheBusyWorker() throws Exception {
        List<WorkerProcessHandle> started = startWorkers(GEARMAND.servers(), "all-a", "all-b", "all-c");
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            CompletableFuture<JobResult> job = sleep(client, 6000);
            WorkerProcessHandle busy = awaitBusy(started);

            // the first 'waiting for' comes 2 s after the commands went out; the job lasts 6 s from its start, which
            // leaves the CLI's JVM start-up 4 s even on a loaded machine
            ExternalProcess.Result r = cli("terminate", "--servers", GEARMAND.servers(), "--all");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            List<String> lines = r.stdout().lines().toList();
            for (WorkerProcessHandle w : started) {
                assertThat(lines).as(r.toString()).containsOnlyOnce("UP " + w.workerId(), "DOWN " + w.workerId());
            }
            assertThat(lines).as(r.toString()).contains("waiting for: " + busy.workerId());
            assertThat(lines.stream().filter(l -> l.startsWith("waiting for: "))).as("only the busy one is waited for")
                    .allMatch(l -> l.equals("waiting for: " + busy.workerId()));
            assertThat(lines.get(lines.size() - 1)).as(r.toString()).isEqualTo("DOWN " + busy.workerId());
            assertThat(lines).hasSize(2 * started.size() + (int) lines.stream().filter(l -> l.startsWith("waiting"))
                    .count());

            assertThat(text(job.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("slept 6000 ms");
            for (WorkerProcessHandle w : started) {
                assertExitedFor("terminate", w);
            }
            assertThat(busy.events()).extracting(WorkerEvent::type).as("terminated while busy, finished the job")
                    .containsExactly(READY, JOB_STARTED, STOPPING, JOB_ENDED, EXIT);
        }
    }

    @Test
    void terminateGivesUpAfterWaitNamingTheBusyWorker() throws Exception {
        List<WorkerProcessHandle> started = startWorkers(GEARMAND.servers(), "wait-a", "wait-b");
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            CompletableFuture<JobResult> job = sleep(client, 4000);
            WorkerProcessHandle busy = awaitBusy(started);
            WorkerProcessHandle idle = started.get(started.get(0) == busy ? 1 : 0);

            ExternalProcess.Result r = cli("terminate", "--servers", GEARMAND.servers(), "--all", "--wait", "1s");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stdout().lines()).as(r.toString())
                    .contains("UP " + busy.workerId(), "UP " + idle.workerId(), "DOWN " + idle.workerId(),
                            "still up after 1000 ms: " + busy.workerId())
                    .doesNotContain("DOWN " + busy.workerId());
            assertThat(busy.isAlive()).isTrue();

            // giving up waiting cancels nothing: the busy worker finishes its job and leaves
            assertThat(text(job.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("slept 4000 ms");
            assertExitedFor("terminate", busy);
            assertExitedFor("terminate", idle);
        }
    }

    @Test
    void aDrainingWorkerStillAnswersItsControlFunctionButWillNotResume() throws Exception {
        WorkerProcessHandle w = startWorkers(GEARMAND.servers(), "draining").get(0);
        String control = "_worker_" + w.workerId();
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            CompletableFuture<JobResult> running = sleep(client, 3000);
            String handle = w.awaitEvent(JOB_STARTED, LIMIT).handle();
            assertThat(gearmanCli(GEARMAND, "-f", control, "terminate").exitCode()).isZero();
            w.awaitEvent(STOPPING, LIMIT);

            // a control job never waits behind jobs, not even behind the drain: status answers, and says so
            Map<String, String> status = statusJson(w);
            assertThat(status).containsEntry("state", "stopping").containsEntry("in_flight", "1");

            // resume must not reopen grabbing during the drain: refused, and a job queued now stays queued
            ExternalProcess.Result resume = gearmanCli(GEARMAND, "-t", "5000", "-f", control, "resume");
            assertThat(resume.exitCode()).as(resume.toString()).isNotZero();
            w.awaitStderr("'resume' refused", LIMIT);
            CompletableFuture<JobResult> queued = sleep(client, 100);

            assertThat(text(running.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("slept 3000 ms");
            assertExitedFor("terminate", w);
            assertThat(w.events(JOB_STARTED)).extracting(WorkerEvent::handle).containsExactly(handle);

            // the next worker takes the job the draining one left alone
            startWorkers(GEARMAND.servers(), "draining-next");
            assertThat(text(queued.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo("slept 100 ms");
        }
    }

    @Test
    void quietFirstQuietsEveryTargetBeforeTerminatingAny() {
        List<WorkerProcessHandle> started = startWorkers(GEARMAND.servers(), "qf-a", "qf-b", "qf-c");

        ExternalProcess.Result r = cli("terminate", "--servers", GEARMAND.servers(), "--all", "--quiet-first");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> quiet = new ArrayList<>();
        List<String> terminate = new ArrayList<>();
        for (WorkerProcessHandle w : started) {
            assertExitedFor("terminate", w);
            quiet.add(logTimeOf(w, "Control command 'quiet' done"));
            terminate.add(logTimeOf(w, "Control command 'terminate' done"));
        }
        // log times are "yyyy-MM-dd HH:mm:ss.SSS": text order is time order
        assertThat(java.util.Collections.max(quiet)).as("every quiet before any terminate")
                .isLessThanOrEqualTo(java.util.Collections.min(terminate));
    }

    /** The timestamp of the worker's first stderr line containing the text. */
    private static String logTimeOf(WorkerProcessHandle w, String text) {
        return w.stderr().lines().filter(l -> l.contains(text)).findFirst()
                .map(l -> l.substring(0, 23))
                .orElseThrow(() -> new AssertionError("no '" + text + "' in " + w.diagnostics()));
    }

    @Test
    void quietStopsTakingJobsAndResumeTakesThemAgain() throws Exception {
        WorkerProcessHandle w = startWorkers(GEARMAND.servers(), "quiet").get(0);
        String control = "_worker_" + w.workerId();

        ExternalProcess.Result quiet = gearmanCli(GEARMAND, "-f", control, "quiet");
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.stdout().trim()).isEqualTo("quiet " + w.workerId());

        List<String> handles = new ArrayList<>();
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            for (String word : List.of("one", "two", "three")) {
                handles.add(client.submit(JobRequest.background("reverse", word.getBytes(StandardCharsets.UTF_8)))
                        .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join().handle());
            }
        }
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    var status = Gearman.status(GEARMAND.address(), "reverse");
                    return status.total() == 3 && status.running() == 0;
                });
        assertThat(w.events(JOB_STARTED)).as("a quiet worker takes no job").isEmpty();
        assertThat(statusJson(w).get("state")).isEqualTo("quiet");

        ExternalProcess.Result resume = gearmanCli(GEARMAND, "-f", control, "resume");
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.stdout().trim()).isEqualTo("resumed " + w.workerId());

        for (String handle : handles) {
            w.awaitEvent(JOB_ENDED, e -> handle.equals(e.handle()), LIMIT);
        }
        await().atMost(LIMIT).until(() -> Gearman.status(GEARMAND.address(), "reverse").total() == 0);
        assertThat(statusJson(w).get("state")).isEqualTo("running");
        assertThat(w.events()).extracting(WorkerEvent::type).doesNotContain(STOPPING, JOB_FAILED);
    }

    @Test
    void aControlSecretRefusesCommandsWithoutItAndNeverLogsIt() {
        List<WorkerProcessHandle> started = startWorkers(GEARMAND.servers(), Map.of("GEARMAN_CONTROL_SECRET", SECRET),
                "secret-a", "secret-b");
        WorkerProcessHandle a = started.get(0);
        WorkerProcessHandle b = started.get(1);
        String control = "_worker_" + a.workerId();

        // the seed's plain form, even with the right secret, is no proof of it: the secret never travels
        for (String refused : List.of("terminate", "terminate wrong", "terminate " + SECRET + "x",
                "terminate " + SECRET)) {
            ExternalProcess.Result r = gearmanCli(GEARMAND, "-f", control, refused);
            assertThat(r.exitCode()).as("'%s' must fail: %s", refused, r).isNotZero();
            assertThat(r.stdout()).as(r.toString()).doesNotContain("terminating");
        }
        // the worker refused them all and works on
        assertThat(gearmanCli(GEARMAND, "-f", "reverse", "abc").stdout().trim()).isEqualTo("cba");
        assertThat(a.isAlive()).isTrue();
        assertThat(a.events(STOPPING)).isEmpty();
        a.awaitStderr("refused: no proof of the control secret", LIMIT);

        ExternalProcess.Result ok = cli("terminate", "--servers", GEARMAND.servers(), "--control-secret", SECRET,
                "--worker", a.workerId());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertExitedFor("terminate", a);
        assertThat(a.stderr()).as("the secret never reaches the log").doesNotContain(SECRET);

        // the terminate command: without the secret it cannot, with it it does
        ExternalProcess.Result without = cli("terminate", "--servers", GEARMAND.servers(), "--worker", b.workerId(),
                "--wait", "1s");
        assertThat(without.exitCode()).as(without.toString()).isEqualTo(1);
        assertThat(without.stderr()).as(without.toString()).contains("terminate " + b.workerId() + " failed");
        assertThat(b.isAlive()).isTrue();

        ExternalProcess.Result with = cli("terminate", "--servers", GEARMAND.servers(), "--control-secret", SECRET,
                "--worker", b.workerId());
        assertThat(with.exitCode()).as(with.toString()).isZero();
        assertThat(with.stdout().lines()).containsExactly("UP " + b.workerId(), "DOWN " + b.workerId());
        assertExitedFor("terminate", b);
        assertThat(b.stderr()).as("the secret never reaches the log").doesNotContain(SECRET);
    }

    @Test
    void theSecretNeverReachesAnyLogWhateverTheControlWorkload() {
        String secret = "Zq81-secret-" + Long.toHexString(System.nanoTime());
        WorkerProcessHandle w = startWorkers(GEARMAND.servers(), Map.of("GEARMAN_CONTROL_SECRET", secret),
                "leak").get(0);
        String control = "_worker_" + w.workerId();

        for (String refused : List.of(secret, "terminate wrong", secret + " extra", "  " + secret + "  ",
                "quiet " + secret + " extra", "garbage #%&/()=? " + secret, "x".repeat(300), "status " + secret)) {
            ExternalProcess.Result r = gearmanCli(GEARMAND, "-f", control, refused);
            assertThat(r.exitCode()).as("refused: %s", r).isNotZero();
        }
        ExternalProcess.Result status = cli("status", "--servers", GEARMAND.servers(), "--control-secret", secret,
                "--worker", w.workerId());
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(w.isAlive()).isTrue();
        assertThat(w.events(STOPPING)).isEmpty();

        w.signal("TERM");
        assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isZero();
        String stderr = w.stderr();
        assertThat(stderr).as("the secret never reaches the log").doesNotContain(secret);
        assertThat(w.events()).extracting(WorkerEvent::line).as("nor the event log")
                .noneMatch(line -> line.contains(secret));
        assertThat(w.stdoutNoise()).isEmpty();
        // 8 refusals within a few seconds: the first logged, the others counted in at most one more line
        assertThat(stderr.lines().filter(l -> l.contains("refused"))).as(stderr).hasSizeBetween(1, 2)
                .allMatch(l -> l.contains(" WARN "));
        assertThat(stderr).as("no stack trace for a refused command").doesNotContain("\tat ")
                .doesNotContain(" ERROR ");
    }

    @Test
    void workersAndTerminateSpanSeveralServers() {
        String s1 = GEARMAND.servers();
        String s2 = GEARMAND_2.servers();
        WorkerProcessHandle a = track(WorkerProcessHandle.builder(s1 + "," + s2)
                .workerId(WorkerProcessHandle.uniqueWorkerId("two-a")).start());
        WorkerProcessHandle b = track(WorkerProcessHandle.builder(s2)
                .workerId(WorkerProcessHandle.uniqueWorkerId("two-b")).start());
        a.awaitEvent(READY, LIMIT);
        b.awaitEvent(READY, LIMIT);

        ExternalProcess.Result listed = cli("workers", "--servers", s1 + "," + s2);
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        List<String[]> rows = listed.stdout().lines().map(l -> l.split(" ")).toList();
        assertThat(rows).extracting(row -> row[0]).as(listed.stdout())
                .containsExactlyInAnyOrder(a.workerId(), b.workerId());
        String[] rowA = rows.stream().filter(row -> row[0].equals(a.workerId())).findFirst().orElseThrow();
        String[] rowB = rows.stream().filter(row -> row[0].equals(b.workerId())).findFirst().orElseThrow();
        assertThat(rowA[1].split(",")).containsExactlyInAnyOrder(s1, s2);
        assertThat(rowB[1].split(",")).containsExactly(s2);

        ExternalProcess.Result r = cli("terminate", "--servers", s1 + "," + s2, "--all");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout().lines()).as(r.toString()).containsExactlyInAnyOrder("UP " + a.workerId(),
                "UP " + b.workerId(), "DOWN " + a.workerId(), "DOWN " + b.workerId());
        assertExitedFor("terminate", a);
        assertExitedFor("terminate", b);
    }

    @Test
    void anUnknownControlWorkloadFailsAndTheWorkerServesOn() {
        WorkerProcessHandle w = startWorkers(GEARMAND.servers(), "dance").get(0);
        String control = "_worker_" + w.workerId();

        ExternalProcess.Result dance = gearmanCli(GEARMAND, "-f", control, "dance");

        assertThat(dance.exitCode()).as(dance.toString()).isNotZero();
        w.awaitStderr("refused: unknown command", LIMIT);
        assertThat(w.isAlive()).isTrue();
        assertThat(w.events(STOPPING)).isEmpty();
        ExternalProcess.Result job = gearmanCli(GEARMAND, "-f", "reverse", "still here");
        assertThat(job.stdout().trim()).as(job.toString()).isEqualTo("ereh llits");
        ExternalProcess.Result status = gearmanCli(GEARMAND, "-f", control, "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(parseFlat(status.stdout().trim())).containsEntry("id", w.workerId()).containsEntry("state",
                "running");
    }

    // helpers

    /** Starts the workers all at once (JVM start-ups overlap) and waits until each is ready. */
    private List<WorkerProcessHandle> startWorkers(String servers, String... names) {
        return startWorkers(servers, Map.of(), names);
    }

    private List<WorkerProcessHandle> startWorkers(String servers, Map<String, String> env, String... names) {
        List<WorkerProcessHandle> started = new ArrayList<>();
        for (String name : names) {
            WorkerProcessHandle.Builder b = WorkerProcessHandle.builder(servers)
                    .workerId(WorkerProcessHandle.uniqueWorkerId(name));
            env.forEach(b::env);
            started.add(track(b.start()));
        }
        started.forEach(w -> w.awaitEvent(READY, LIMIT));
        return started;
    }

    private WorkerProcessHandle track(WorkerProcessHandle w) {
        workers.add(w);
        return w;
    }

    /** The worker among these that started a job, waiting for one to. */
    private static WorkerProcessHandle awaitBusy(Collection<WorkerProcessHandle> candidates) {
        return await().atMost(LIMIT).pollInterval(Duration.ofMillis(10))
                .until(() -> candidates.stream().filter(w -> !w.events(JOB_STARTED).isEmpty()).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private static void assertExitedFor(String reason, WorkerProcessHandle w) {
        assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isZero();
        List<WorkerEvent> events = w.events();
        assertThat(w.events(STOPPING)).extracting(WorkerEvent::reason).as(w.diagnostics()).containsExactly(reason);
        WorkerEvent exit = events.get(events.size() - 1);
        assertThat(exit.type()).as(w.diagnostics()).isEqualTo(EXIT);
        assertThat(exit.reason()).as(w.diagnostics()).isEqualTo(reason);
        assertThat(exit.code()).as(w.diagnostics()).isZero();
    }

    /** The worker's answer to {@code status --worker ID --json}. */
    private static Map<String, String> statusJson(WorkerProcessHandle w) {
        ExternalProcess.Result r = cli("status", "--servers", GEARMAND.servers(), "--worker", w.workerId(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return parseFlat(r.stdout().trim());
    }

    /** The scalar fields of one JSON object, as text (nested values are skipped). */
    private static Map<String, String> parseFlat(String json) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).as(json).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken().isScalarValue()) {
                    fields.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("not a JSON object: " + json, e);
        }
        return fields;
    }

    private static CompletableFuture<JobResult> sleep(GearmanClient client, int millis) {
        return client.submit(JobRequest.foreground("sleep",
                Integer.toString(millis).getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(JobResult r) {
        return new String(r.data(), StandardCharsets.UTF_8);
    }

    private static ExternalProcess.Result cli(String... args) {
        return WorkerCli.run(LIMIT, args);
    }

    private static ExternalProcess.Result gearmanCli(GearmandExtension server, String... args) {
        String[] all = Stream.concat(Stream.of("gearman", "-h", "127.0.0.1", "-p", Integer.toString(server.port())),
                Stream.of(args)).toArray(String[]::new);
        return ExternalProcess.run(LIMIT, all);
    }
}
