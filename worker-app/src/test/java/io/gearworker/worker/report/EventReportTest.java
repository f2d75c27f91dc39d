package io.gearworker.worker.report;

import io.gearworker.worker.runtime.EventLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.worker.report.EventReport.Event;
import io.gearworker.worker.report.EventReport.Summary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventReportTest {

    private static final Instant T0 = Instant.parse("2026-11-23T15:00:00Z");

    /** Builds event-log lines as {@link EventLog} writes them, at T0 + the given seconds. */
    private static final class Log {
        final List<String> lines = new ArrayList<>();

        Log add(double at, String worker, String event, String extra) {
            Instant ts = T0.plusNanos((long) (at * 1e9));
            lines.add("{\"ts\":\"" + ts + "\",\"worker\":\"" + worker + "\",\"event\":\"" + event + "\""
                      + (extra.isEmpty() ? "" : "," + extra) + "}");
            return this;
        }

        Log ready(double at, String w) {
            return add(at, w, "ready", "\"pid\":42,\"servers\":\"127.0.0.1:4730\",\"functions\":\"reverse\"");
        }

        Log ready(double at, String w, String host, long pid) {
            return add(at, w, "ready", "\"pid\":" + pid + ",\"host\":\"" + host
                                       + "\",\"servers\":\"127.0.0.1:4730\",\"functions\":\"reverse\"");
        }

        /** A job event as workers write it now: with the server, and the unique id when not null. */
        Log job(double at, String w, String event, String server, String handle, String unique) {
            return add(at, w, event, "\"function\":\"sleep\",\"handle\":\"" + handle + "\",\"server\":\""
                                     + server + "\"" + (unique == null ? "" : ",\"unique\":\"" + unique + "\""));
        }

        Log started(double at, String w, String handle) {
            return add(at, w, "job_started", "\"function\":\"reverse\",\"handle\":\"" + handle + "\"");
        }

        Log ended(double at, String w, String handle) {
            return add(at, w, "job_ended", "\"function\":\"reverse\",\"handle\":\"" + handle + "\"");
        }

        Log failed(double at, String w, String handle) {
            return add(at, w, "job_failed", "\"function\":\"reverse\",\"handle\":\"" + handle
                                            + "\",\"error\":\"boom\"");
        }

        Log handedBack(double at, String w, String handle) {
            return add(at, w, "job_handed_back", "\"function\":\"reverse\",\"handle\":\"" + handle
                                                 + "\",\"error\":\"shutdown timeout\"");
        }

        Log stopping(double at, String w, String reason) {
            return add(at, w, "stopping", "\"reason\":\"" + reason + "\",\"jobs\":1");
        }

        Log exit(double at, String w, String reason, int code) {
            return add(at, w, "exit", "\"reason\":\"" + reason + "\",\"jobs\":1,\"code\":" + code);
        }

        Log raw(String line) {
            lines.add(line);
            return this;
        }

        Summary summary(double nowSeconds) {
            return summary(nowSeconds, EventReport.Liveness.UNKNOWN);
        }

        Summary summary(double nowSeconds, EventReport.Liveness liveness) {
            List<Event> events = new ArrayList<>();
            long garbled = 0;
            long order = 0;
            for (String line : lines) {
                var e = EventReport.parse(line, order++);
                if (e.isPresent()) {
                    events.add(e.get());
                } else {
                    garbled++;
                }
            }
            return EventReport.summarize(events, garbled, T0.plusNanos((long) (nowSeconds * 1e9)), liveness);
        }
    }

    @Test
    void countsJobsExitsAndJobLoadOfFinishedWorkers() {
        Summary s = new Log()
                .ready(0, "w1").ready(0, "w2")
                .started(1, "w1", "H:1").ended(3, "w1", "H:1")
                .started(2, "w2", "H:2").failed(4, "w2", "H:2")
                .started(5, "w1", "H:3").ended(5.5, "w1", "H:3")
                .stopping(9, "w1", "max-jobs").exit(10, "w1", "max-jobs", 0)
                .stopping(9, "w2", "sigterm").exit(10, "w2", "sigterm", 0)
                .summary(100);

        assertThat(s.started()).isEqualTo(3);
        assertThat(s.ended()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.inFlight()).isZero();
        assertThat(s.lost()).isZero();
        assertThat(s.runTwice()).isZero();
        assertThat(s.workerExits()).isEqualTo(2);
        assertThat(s.workersRunning()).isZero();
        assertThat(s.exitReasons()).containsExactly(Map.entry("max-jobs", 1L), Map.entry("sigterm", 1L));
        // busy 2 + 2 + 0.5 = 4.5 job-seconds over 2 workers x 10 s
        assertThat(s.jobLoad()).isCloseTo(0.225, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void unfinishedJobsAreInFlightWhileAWorkerRunsAndLostOnceAllExited() {
        Log log = new Log()
                .ready(0, "w1").ready(0, "w2")
                .started(1, "w1", "H:1")
                .started(1, "w2", "H:2").ended(2, "w2", "H:2");
        Summary running = log.summary(4);
        assertThat(running.inFlight()).isEqualTo(1);
        assertThat(running.lost()).isZero();
        assertThat(running.workersRunning()).isEqualTo(2);
        // busy: H:1 from 1 to now (4) = 3, H:2 = 1; workers 2 x 4 s
        assertThat(running.jobLoad()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));

        // w1 leaves without ending H:1 (no hand-back logged); w2 still runs: gearmand may still run it again
        log.exit(5, "w1", "error", 1);
        assertThat(log.summary(6).inFlight()).isEqualTo(1);
        assertThat(log.summary(6).lost()).isZero();

        log.exit(6, "w2", "sigterm", 0);
        Summary done = log.summary(60);
        assertThat(done.inFlight()).isZero();
        assertThat(done.lost()).isEqualTo(1);
        assertThat(done.started()).isEqualTo(2);
        assertThat(done.ended()).isEqualTo(1);
    }

    @Test
    void aJobHandedBackAndRunAgainElsewhereIsNotLostButRunTwice() {
        Summary s = new Log()
                .ready(0, "w1").ready(0, "w2")
                .started(1, "w1", "H:1")
                .stopping(2, "w1", "sigterm")
                .handedBack(4, "w1", "H:1").exit(4, "w1", "shutdown-timeout", 3)
                .started(4.5, "w2", "H:1").ended(5, "w2", "H:1")
                .exit(6, "w2", "sigterm", 0)
                .summary(60);
        assertThat(s.started()).isEqualTo(2);
        assertThat(s.ended()).isEqualTo(1);
        assertThat(s.runTwice()).isEqualTo(1);
        assertThat(s.handedBack()).isEqualTo(1);
        assertThat(s.lost()).isZero();
        assertThat(s.inFlight()).isZero();
        assertThat(s.exitReasons()).containsExactly(Map.entry("shutdown-timeout", 1L), Map.entry("sigterm", 1L));
    }

    @Test
    void aJobHandedBackAndNeverRunAgainIsLostOnceAllExited() {
        Summary s = new Log()
                .ready(0, "w1")
                .started(1, "w1", "H:1").handedBack(4, "w1", "H:1").exit(4, "w1", "shutdown-timeout", 3)
                .summary(60);
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.handedBack()).isEqualTo(1);
    }

    @Test
    void aWorkerKilledWithoutExitIsReplacedByTheNextReadyUnderItsId() {
        Summary s = new Log()
                .ready(0, "worker-00")
                .started(1, "worker-00", "H:1")                 // then kill -9: no job_ended, no exit
                .ready(3, "worker-00")                          // supervisord started a new process
                .started(3.5, "worker-00", "H:1").ended(4, "worker-00", "H:1") // gearmand requeued H:1
                .exit(5, "worker-00", "sigterm", 0)
                .summary(60);
        assertThat(s.workersRunning()).isZero();
        assertThat(s.lost()).isZero();
        assertThat(s.runTwice()).isEqualTo(1);
        assertThat(s.workerExits()).isEqualTo(2);
        assertThat(s.exitReasons()).containsExactly(Map.entry("killed", 1L), Map.entry("sigterm", 1L));
        // lives: 0..1 (died; last event at 1) and 3..5 = 3 s; busy: only the finished run, 0.5 s
        assertThat(s.jobLoad()).isCloseTo(0.5 / 3, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void aWorkerWhoseProcessIsGoneFromThisHostExitedKilledSoLostIsFinal() {
        Log log = new Log()
                .ready(0, "w1", "vm", 101).ready(0, "w2", "vm", 102)
                .job(1, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", null) // then kill -9: no end, no exit
                .job(1, "w2", "job_started", "127.0.0.1:4730", "H:vm:2", null)
                .job(2, "w2", "job_ended", "127.0.0.1:4730", "H:vm:2", null)
                .exit(3, "w2", "sigterm", 0);
        Summary unknown = log.summary(60);
        assertThat(unknown.workersRunning()).as("nothing says w1 is gone").isEqualTo(1);
        assertThat(unknown.lost()).isZero();
        assertThat(unknown.inFlight()).isEqualTo(1);

        Summary s = log.summary(60, (host, pid, ready) -> !(host.equals("vm") && pid == 101));
        assertThat(s.workersRunning()).isZero();
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.inFlight()).isZero();
        assertThat(s.workerExits()).isEqualTo(2);
        assertThat(s.exitReasons()).containsExactly(Map.entry("killed", 1L), Map.entry("sigterm", 1L));
        // w1's life ends at its last event (1 s), not now: worker-seconds 1 + 3, busy 0 (dead run) + 1
        assertThat(s.jobLoad()).isCloseTo(1.0 / 4, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void aKilledWorkerWhoseSuccessorStoppedBeforeReadyEndsKilled() {
        Summary s = new Log()
                .ready(0, "worker-00", "vm", 101)
                .job(1, "worker-00", "job_started", "127.0.0.1:4730", "H:vm:1", "a") // then kill -9
                // supervisord started pid 102, stopped (supervisorctl restart) before it was ready
                .add(3, "worker-00", "stopping", "\"reason\":\"sigterm\",\"jobs\":0,\"pid\":102")
                .add(3.5, "worker-00", "exit", "\"reason\":\"sigterm\",\"jobs\":0,\"code\":0,\"pid\":102")
                .summary(60);
        assertThat(s.exitReasons()).containsExactly(Map.entry("killed", 1L), Map.entry("sigterm", 1L));
        assertThat(s.workerExits()).isEqualTo(2);
        assertThat(s.workersRunning()).isZero();
        assertThat(s.lost()).isEqualTo(1);

        // the same process's own stop is its own life
        Summary own = new Log()
                .ready(0, "worker-00", "vm", 101)
                .add(3, "worker-00", "stopping", "\"reason\":\"sigterm\",\"jobs\":0,\"pid\":101")
                .add(3.5, "worker-00", "exit", "\"reason\":\"sigterm\",\"jobs\":0,\"code\":0,\"pid\":101")
                .summary(60);
        assertThat(own.exitReasons()).containsExactly(Map.entry("sigterm", 1L));
    }

    @Test
    void jobsAreKeyedByServerAndHandle() {
        Summary s = new Log()
                .ready(0, "w1")
                // the same handle from two gearmand servers: two jobs
                .job(1, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", null)
                .job(1, "w1", "job_started", "127.0.0.1:4731", "H:vm:1", null)
                .job(2, "w1", "job_ended", "127.0.0.1:4730", "H:vm:1", null)
                .job(2, "w1", "job_ended", "127.0.0.1:4731", "H:vm:1", null)
                // gearmand restarted: its handles start again at 1, and H:vm:1 is another job
                .job(5, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", null)
                .job(6, "w1", "job_ended", "127.0.0.1:4730", "H:vm:1", null)
                .exit(7, "w1", "sigterm", 0)
                .summary(60);
        assertThat(s.started()).isEqualTo(3);
        assertThat(s.ended()).isEqualTo(3);
        assertThat(s.runTwice()).isZero();
        assertThat(s.lost()).isZero();
    }

    @Test
    void aJobWithAUniqueIdIsOneJobAcrossAGearmandRestartThatGaveItAnotherHandle() {
        Summary s = new Log()
                .ready(0, "w1")
                .job(1, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", "run-a")
                .job(2, "w1", "job_handed_back", "127.0.0.1:4730", "H:vm:1", "run-a") // gearmand went away
                // back with its persistent queue: run-a is H:vm:7 now, and H:vm:1 is another job (run-b)
                .job(3, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", "run-b")
                .job(3, "w1", "job_started", "127.0.0.1:4730", "H:vm:7", "run-a")
                .job(4, "w1", "job_ended", "127.0.0.1:4730", "H:vm:1", "run-b")
                .job(4, "w1", "job_ended", "127.0.0.1:4730", "H:vm:7", "run-a")
                .exit(5, "w1", "sigterm", 0)
                .summary(60);
        assertThat(s.started()).isEqualTo(3);
        assertThat(s.ended()).isEqualTo(2);
        assertThat(s.runTwice()).as("run-a ran twice").isEqualTo(1);
        assertThat(s.lost()).isZero();
        assertThat(s.handedBack()).isEqualTo(1);
    }

    @Test
    void aUniqueIdSubmittedAgainAfterItsJobEndedIsAnotherJob() {
        Summary s = new Log()
                .ready(0, "w1")
                .job(1, "w1", "job_started", "127.0.0.1:4730", "H:vm:1", "nightly")
                .job(2, "w1", "job_ended", "127.0.0.1:4730", "H:vm:1", "nightly")
                .job(3, "w1", "job_started", "127.0.0.1:4730", "H:vm:2", "nightly")
                .job(4, "w1", "job_ended", "127.0.0.1:4730", "H:vm:2", "nightly")
                .exit(5, "w1", "sigterm", 0)
                .summary(60);
        assertThat(s.ended()).isEqualTo(2);
        assertThat(s.runTwice()).isZero();
    }

    @Test
    void aWorkerThatNeverWroteExitKeepsLostAtZero() {
        Summary s = new Log()
                .ready(0, "w1").ready(0, "w2")
                .started(1, "w1", "H:1")
                .exit(2, "w2", "sigterm", 0)
                .summary(60);
        assertThat(s.workersRunning()).isEqualTo(1);
        assertThat(s.lost()).isZero();
        assertThat(s.inFlight()).isEqualTo(1);
    }

    @Test
    void eventsFromSeveralLogsAreReplayedInTimestampOrder() {
        // the second log (read later) holds the hand-back that happened before the re-run in the first log
        Log first = new Log().ready(0, "w2").started(5, "w2", "H:1").ended(6, "w2", "H:1").exit(7, "w2", "sigterm", 0);
        Log second = new Log().ready(0, "w1").started(1, "w1", "H:1").handedBack(4, "w1", "H:1")
                .exit(4, "w1", "shutdown-timeout", 3);
        Log both = new Log();
        both.lines.addAll(first.lines);
        both.lines.addAll(second.lines);
        Summary s = both.summary(60);
        assertThat(s.lost()).isZero();
        assertThat(s.ended()).isEqualTo(1);
        assertThat(s.runTwice()).isEqualTo(1);
    }

    @Test
    void garbledAndForeignLinesAreCountedNotFatal() {
        Summary s = new Log()
                .ready(0, "w1")
                .raw("sigterm")                                                   // text, not JSON
                .raw("{\"ts\":\"2026-11-23T15:00:01Z\",\"worker\":\"w1\",\"ev")    // cut off
                .raw("{\"ts\":\"yesterday\",\"worker\":\"w1\",\"event\":\"exit\"}") // bad timestamp
                .raw("{\"worker\":\"w1\",\"event\":\"exit\"}")                     // no ts
                .raw("{\"ts\":\"2026-11-23T15:00:01Z\",\"worker\":\"w1\",\"event\":\"job_started\"}") // no handle
                .raw("{\"ts\":\"2026-11-23T15:00:01Z\",\"worker\":\"w1\",\"event\":\"exit\"} trailing")
                .raw("[1,2,3]")
                .raw("2026-11-23 15:00:01.000 INFO [main] some log line")
                .raw("{\"ts\":\"2026-11-23T15:00:01Z\",\"worker\":\"w1\",\"event\":\"future_event\"}") // ignored
                .raw("{\"ts\":\"2026-11-23T15:00:02Z\",\"worker\":\"w1\",\"event\":\"job_started\","
                     + "\"handle\":\"H:9\",\"extra\":{\"nested\":[1,{\"a\":null}]}}")
                .ended(3, "w1", "H:9")
                .exit(4, "w1", "sigterm", 0)
                .summary(60);
        assertThat(s.garbledLines()).isEqualTo(8);
        assertThat(s.started()).isEqualTo(1);
        assertThat(s.ended()).isEqualTo(1);
        assertThat(s.workerExits()).isEqualTo(1);
    }

    @Test
    void parseNeverThrowsOnTruncatedOrMangledLines() {
        String good = new Log().started(1, "w1", "H:1").lines.get(0);
        Random random = new Random(42);
        for (int i = 0; i <= good.length(); i++) {
            String cut = good.substring(0, i);
            assertThatCode(() -> EventReport.parse(cut, 0)).doesNotThrowAnyException();
        }
        for (int i = 0; i < 2000; i++) {
            char[] chars = good.toCharArray();
            chars[random.nextInt(chars.length)] = (char) random.nextInt(0x3000);
            String mangled = new String(chars);
            assertThatCode(() -> EventReport.parse(mangled, 0)).doesNotThrowAnyException();
        }
        assertThat(EventReport.parse(good, 7)).get().extracting(Event::handle, Event::order)
                .containsExactly("H:1", 7L);
    }

    @Test
    void textHasTheContractLabelsInOrderWithReasonsSorted() {
        Summary s = new Summary(191, 188, 0, 3, 0, 0, 0, 0.4, 15, 4,
                new TreeMap<>(Map.of("sigterm", 5L, "max-lifetime", 4L, "max-jobs", 2L)), 0);
        assertThat(s.text(LocalDateTime.of(2026, 11, 23, 15, 45, 53))).isEqualTo("""
                **************************************************
                ***** REPORT FROM WORKER EVENT LOGS **************
                Date 2026-11-23 15:45:53
                started: 191
                ended: 188
                failed: 0
                in flight: 3
                run twice: 0
                lost: 0
                handed back: 0
                jobLoad: 0.40
                worker exits: 15
                workers running: 4
                exit due to max-jobs: 2
                exit due to max-lifetime: 4
                exit due to sigterm: 5
                garbled lines: 0
                **************************************************
                """);
    }

    @Test
    void jsonIsOneObjectWithTheSameFigures() throws IOException {
        Summary s = new Summary(10, 9, 1, 1, 2, 0, 3, 0.456, 4, 1, new TreeMap<>(Map.of("sigterm", 4L)), 5);
        String json = s.json(LocalDateTime.of(2026, 11, 23, 15, 45, 53));
        assertThat(json).doesNotContain("\n");
        Map<String, String> fields = new TreeMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            String prefix = "";
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                if (t == JsonToken.START_OBJECT) {
                    prefix = p.currentName() + ".";
                } else if (t == JsonToken.END_OBJECT) {
                    prefix = "";
                } else {
                    fields.put(prefix + p.currentName(), p.getText());
                }
            }
        }
        assertThat(fields).containsEntry("date", "2026-11-23 15:45:53").containsEntry("started", "10")
                .containsEntry("ended", "9").containsEntry("failed", "1").containsEntry("inFlight", "1")
                .containsEntry("runTwice", "2").containsEntry("lost", "0").containsEntry("handedBack", "3")
                .containsEntry("jobLoad", "0.46").containsEntry("workerExits", "4")
                .containsEntry("workersRunning", "1").containsEntry("exitReasons.sigterm", "4")
                .containsEntry("garbledLines", "5");
    }

    @Test
    void emptyInputGivesZeros() {
        Summary s = EventReport.summarize(List.of(), 0, T0);
        assertThat(s.text(LocalDateTime.of(2026, 1, 1, 0, 0))).contains("started: 0\n", "lost: 0\n",
                "jobLoad: 0.00\n", "worker exits: 0\n").doesNotContain("exit due to");
    }

    // the tail that feeds the report from files

    @Test
    void tailTreatsAMissingFileAsEmptyAndReadsItOnceItAppears(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("worker-00.events.log");
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(false);
        assertThat(tail.events()).isEmpty();
        assertThat(tail.garbledLines()).isZero();

        Files.writeString(log, String.join("\n", new Log().ready(0, "w1").started(1, "w1", "H:1").lines) + "\n");
        tail.poll(false);
        assertThat(tail.events()).extracting(Event::event).containsExactly("ready", "job_started");
    }

    @Test
    void tailWaitsForTheNewlineOfALineBeingWrittenWhenFollowing(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("w.log");
        String line = new Log().started(1, "w1", "H:1").lines.get(0);
        Files.writeString(log, line.substring(0, 20));
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(false);
        assertThat(tail.events()).isEmpty();
        assertThat(tail.garbledLines()).isZero();

        Files.writeString(log, line.substring(20) + "\n", StandardOpenOption.APPEND);
        tail.poll(false);
        assertThat(tail.events()).hasSize(1);
        assertThat(tail.garbledLines()).isZero();
        tail.poll(false);
        assertThat(tail.events()).hasSize(1);
    }

    @Test
    void aOneShotReadTakesTheLastLineWithoutNewlineAndCountsACutOneAsGarbled(@TempDir Path dir)
            throws IOException {
        Path whole = dir.resolve("whole.log");
        Path cut = dir.resolve("cut.log");
        String line = new Log().started(1, "w1", "H:1").lines.get(0);
        Files.writeString(whole, line);
        Files.writeString(cut, line + "\n" + line.substring(0, 30));
        EventLogTail tail = new EventLogTail(List.of(whole, cut));
        tail.poll(true);
        assertThat(tail.events()).hasSize(2);
        assertThat(tail.garbledLines()).isEqualTo(1);
    }

    @Test
    void tailRereadsATruncatedFileAndKeepsTheEventsOfARotatedOne(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("w.log");
        Log events = new Log().ready(0, "w1").started(1, "w1", "H:1").ended(2, "w1", "H:1");
        Files.writeString(log, String.join("\n", events.lines) + "\nnot json\n");
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(false);
        assertThat(tail.events()).hasSize(3);
        assertThat(tail.garbledLines()).isEqualTo(1);

        Files.writeString(log, events.lines.get(0) + "\n"); // truncated and rewritten shorter
        tail.poll(false);
        assertThat(tail.events()).hasSize(1);
        assertThat(tail.garbledLines()).isZero();

        Files.move(log, dir.resolve("w.log.1"));              // rotated: a new file under the old name
        tail.poll(false);
        assertThat(tail.events()).hasSize(1);
        Files.writeString(log, events.lines.get(1) + "\n");
        tail.poll(false);
        assertThat(tail.events()).extracting(Event::event).containsExactly("ready", "job_started");
    }

    @Test
    void tailReadsLinesLongerThanItsBuffer(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("w.log");
        String big = "x".repeat(200_000);
        String line = "{\"ts\":\"2026-11-23T15:00:01Z\",\"worker\":\"w1\",\"event\":\"job_started\",\"handle\":\"H:1\","
                      + "\"error\":\"" + big + "\"}";
        Files.write(log, (line + "\n" + line + "\n").getBytes(StandardCharsets.UTF_8));
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(false);
        assertThat(tail.events()).hasSize(2);
        assertThat(tail.garbledLines()).isZero();
    }
}
