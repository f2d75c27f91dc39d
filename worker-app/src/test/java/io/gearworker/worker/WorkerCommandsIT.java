package io.gearworker.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.runtime.EventField;
import io.gearworker.worker.runtime.EventLog;
import io.gearworker.worker.runtime.EventType;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_FAILED;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's commands end to end: one worker process (the packaged jar) serves the example routes of a real
 * gearmand, and the {@code submit} and {@code workers} commands as well as the {@code gearman} CLI talk to it.
 */
class WorkerCommandsIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private static WorkerProcessHandle worker;

    @BeforeAll
    static void startWorker() {
        worker = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId("cmds"))
                .start();
        worker.awaitEvent(READY, LIMIT);
    }

    @AfterAll
    static void stopWorker() {
        if (worker == null) {
            return;
        }
        try (WorkerProcessHandle w = worker) {
            w.signal("TERM");
            assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isZero();
            assertThat(w.stdoutNoise()).as("stdout carries only the event log").isEmpty();
        }
    }

    @Test
    void readyNamesPidHostServersAndFunctions() {
        WorkerEvent ready = worker.awaitEvent(READY, LIMIT);

        assertThat(ready.worker()).isEqualTo(worker.workerId());
        assertThat(ready.field(EventField.PID)).isEqualTo(worker.pid());
        assertThat(ready.field(EventField.HOST)).isEqualTo(EventLog.localHost());
        assertThat(ready.field(EventField.SERVERS)).isEqualTo(GEARMAND.servers());
        assertThat(List.of(((String) ready.field(EventField.FUNCTIONS)).split(","))).contains("reverse", "sleep");
    }

    @Test
    void jobEventsNameTheServerAndTheUniqueIdWhenThereIsOne() {
        String unique = "it-unique-" + System.nanoTime();
        ExternalProcess.Result withId = submit("-f", "reverse", "--unique-id", unique, "abc");
        assertThat(withId.exitCode()).as(withId.toString()).isZero();
        WorkerEvent started = worker.awaitEvent(JOB_STARTED, e -> unique.equals(e.unique()),
                LIMIT);
        WorkerEvent ended = worker.awaitEvent(JOB_ENDED, e -> unique.equals(e.unique()), LIMIT);
        assertThat(started.server()).isEqualTo(GEARMAND.servers());
        assertThat(ended.server()).isEqualTo(GEARMAND.servers());
        assertThat(ended.handle()).isEqualTo(started.handle());
    }

    @Test
    void submitCommandPrintsEachJobsResult() {
        ExternalProcess.Result reverse = submit("-f", "reverse", "hello");
        assertThat(reverse.exitCode()).as(reverse.toString()).isZero();
        assertThat(reverse.stdout()).isEqualTo("olleh\n");

        ExternalProcess.Result sleep = submit("-f", "sleep", "150");
        assertThat(sleep.exitCode()).as(sleep.toString()).isZero();
        assertThat(sleep.stdout()).isEqualTo("slept 150 ms\n");
    }

    @Test
    void gearmanCliJobsAreServed() {
        ExternalProcess.Result reverse = gearmanCli("-f", "reverse", "hello world");
        assertThat(reverse.exitCode()).as(reverse.toString()).isZero();
        assertThat(reverse.stdout().trim()).isEqualTo("dlrow olleh");

        ExternalProcess.Result sleep = gearmanCli("-f", "sleep", "50");
        assertThat(sleep.exitCode()).as(sleep.toString()).isZero();
        assertThat(sleep.stdout().trim()).isEqualTo("slept 50 ms");
    }

    @Test
    void manyJobsPrintASummaryWithNothingFailed() {
        int endedBefore = worker.events(JOB_ENDED).size();

        ExternalProcess.Result r = submit("--count", "200", "--concurrency", "8", "-f", "reverse", "x");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("submitted: 200", "completed: 200", "failed: 0", "jobs/s", "latency ms: p50=");
        // the worker ran them all (job_ended is logged once a result is on the wire: it may trail the client)
        worker.awaitEvents(JOB_ENDED, endedBefore + 200, LIMIT);
        assertThat(worker.events(JOB_ENDED).size() - endedBefore).isEqualTo(200);
    }

    @Test
    void backgroundSubmitPrintsTheHandleAndTheWorkerRunsThatJob() {
        ExternalProcess.Result r = submit("--background", "-f", "reverse", "in the background");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String handle = r.stdout().trim();
        assertThat(handle).matches("H:\\S+");
        WorkerEvent ended = worker.awaitEvent(JOB_ENDED, e -> handle.equals(e.handle()), LIMIT);
        assertThat(ended.function()).isEqualTo("reverse");
    }

    @Test
    void eachJobIsLoggedStartedThenEndedWithFunctionAndHandle() {
        int before = worker.events().size();
        int endedBefore = worker.events(JOB_ENDED).size();

        ExternalProcess.Result r = submit("--count", "5", "--concurrency", "2", "-f", "sleep", "10");
        assertThat(r.exitCode()).as(r.toString()).isZero();

        worker.awaitEvents(JOB_ENDED, endedBefore + 5, LIMIT);
        List<WorkerEvent> all = worker.events();
        List<WorkerEvent> mine = all.subList(before, all.size());
        List<WorkerEvent> started = mine.stream().filter(e -> e.is(JOB_STARTED)).toList();
        assertThat(started).hasSize(5).allSatisfy(e -> {
            assertThat(e.worker()).isEqualTo(worker.workerId());
            assertThat(e.function()).isEqualTo("sleep");
            assertThat(e.handle()).matches("H:\\S+");
        });
        Set<String> handles = new HashSet<>(started.stream().map(WorkerEvent::handle).toList());
        assertThat(handles).as("one job_started per job").hasSize(5);
        for (String handle : handles) {
            List<EventType> lifecycle = mine.stream().filter(e -> handle.equals(e.handle()))
                    .map(WorkerEvent::type).toList();
            assertThat(lifecycle).as("events of job " + handle).containsExactly(JOB_STARTED,
                    JOB_ENDED);
        }
    }

    @Test
    void workersListsTheWorkerIdFirstWithItsFunctions() throws Exception {
        ExternalProcess.Result text = WorkerCli.run(LIMIT, "workers", "--servers", GEARMAND.servers());
        assertThat(text.exitCode()).as(text.toString()).isZero();
        String line = text.stdout().lines().filter(l -> l.startsWith(worker.workerId() + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + worker.workerId() + " in\n" + text));
        String[] columns = line.split(" ");
        assertThat(columns[0]).isEqualTo(worker.workerId());
        assertThat(columns[1]).isEqualTo(GEARMAND.servers());
        assertThat(List.of(columns[2].split(","))).contains("reverse", "sleep");

        ExternalProcess.Result json = WorkerCli.run(LIMIT, "workers", "--servers", GEARMAND.servers(), "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        List<Map<String, Object>> workers = new ArrayList<>();
        for (String l : json.stdout().lines().toList()) {
            workers.add(parseFlatJson(l));
        }
        Map<String, Object> me = workers.stream().filter(w -> worker.workerId().equals(w.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON line for " + worker.workerId() + " in\n" + json));
        assertThat(me.get("servers")).isEqualTo(List.of(GEARMAND.servers()));
        assertThat(me.get("functions")).asInstanceOf(InstanceOfAssertFactories.list(String.class))
                .contains("reverse", "sleep");
    }

    @Test
    void aFailingJobIsReportedAndTheWorkerServesTheNextOne() {
        ExternalProcess.Result failed = submit("-f", "sleep", "abc");

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.stdout()).isEmpty();
        assertThat(failed.stderr()).contains("job failed");
        WorkerEvent event = worker.awaitEvent(JOB_FAILED, e -> "sleep".equals(e.function()), LIMIT);
        assertThat(event.handle()).matches("H:\\S+");
        assertThat((String) event.field("error")).contains("'abc'");

        ExternalProcess.Result next = submit("-f", "sleep", "20");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.stdout()).isEqualTo("slept 20 ms\n");
        assertThat(worker.isAlive()).isTrue();
    }

    private static ExternalProcess.Result submit(String... args) {
        List<String> all = new ArrayList<>(List.of("submit", "--servers", GEARMAND.servers(), "--timeout", "20s"));
        all.addAll(List.of(args));
        return WorkerCli.run(LIMIT, all.toArray(String[]::new));
    }

    private static ExternalProcess.Result gearmanCli(String... args) {
        List<String> all = new ArrayList<>(List.of("gearman", "-h", "127.0.0.1", "-p",
                Integer.toString(GEARMAND.port())));
        all.addAll(List.of(args));
        return ExternalProcess.run(LIMIT, all.toArray(String[]::new));
    }

    /** One JSON object whose values are strings or arrays of strings, as {@code workers --json} writes them. */
    private static Map<String, Object> parseFlatJson(String line) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertThat(p.nextToken()).as(line).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.START_ARRAY) {
                    List<String> values = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        values.add(p.getText());
                    }
                    out.put(name, values);
                } else {
                    out.put(name, p.getText());
                }
            }
            assertThat(p.nextToken()).as("one object per line: " + line).isNull();
        }
        return out;
    }
}
