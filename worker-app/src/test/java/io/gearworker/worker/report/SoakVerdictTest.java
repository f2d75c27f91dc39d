package io.gearworker.worker.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gearworker.worker.report.SoakVerdict.Disruption;
import io.gearworker.worker.report.SoakVerdict.Evidence;
import io.gearworker.worker.report.SoakVerdict.Execution;
import io.gearworker.worker.report.SoakVerdict.ReportFigures;
import io.gearworker.worker.report.SoakVerdict.Verdict;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos soak's verdict: every job ran, every duplicate explained, a lost job only when it ran once unconfirmed. */
class SoakVerdictTest {

    private static final String RUN = "soak-1";
    private static final long KILL_AT = 100_000;
    private static final long GEARMAND_DOWN = 200_000;
    private static final long GEARMAND_UP = 201_000;

    /** A soak of {@code jobs} jobs, each executed once late in the run, with a clean report; tests vary it. */
    private static final class Soak {
        long expected;
        long submitted;
        final List<Disruption> disruptions = new ArrayList<>(List.of(
                new Disruption("kill9", KILL_AT, KILL_AT, "worker-01/4242/2"),
                new Disruption("gearmand", GEARMAND_DOWN, GEARMAND_UP, "pid-77")));
        final List<Execution> executions = new ArrayList<>();
        final List<String> log0 = new ArrayList<>(List.of(ready("worker-00", 1111)));
        final List<String> log1 = new ArrayList<>(List.of(ready("worker-01", 4242)));
        Long lost = 0L;
        Long workersRunning = 0L;
        Long failed = 0L;
        final Map<String, Long> reasons = new LinkedHashMap<>(Map.of("sigterm", 4L));
        List<Long> serviceBack = List.of(11L, 76L);
        boolean strictLog = true;

        Soak(int jobs) {
            expected = jobs;
            submitted = jobs;
            for (int i = 0; i < jobs; i++) {
                executions.add(new Execution(id(i), 900_000 + 10L * i));
                log0.add(job("worker-00", "job_started", id(i), null));
                log0.add(job("worker-00", "job_ended", id(i), null));
            }
        }

        Verdict judge() {
            ReportFigures report = new ReportFigures(submitted, submitted, failed, 0L, lost, 0L, 5L, workersRunning,
                    reasons);
            return SoakVerdict.judge(new Evidence(expected, submitted, RUN + "-", disruptions, executions,
                    List.of(log0, log1), report, serviceBack, 2000, strictLog, "/run/unexplained.txt"));
        }
    }

    private static String id(int n) {
        return RUN + "-" + n;
    }

    private static String ready(String worker, long pid) {
        return "{\"ts\":\"2026-12-03T10:00:00Z\",\"worker\":\"" + worker + "\",\"event\":\"ready\",\"pid\":" + pid
                + ",\"host\":\"h\",\"servers\":\"127.0.0.1:4730\",\"functions\":\"soak\"}";
    }

    private static String job(String worker, String event, String unique, String error) {
        return "{\"ts\":\"2026-12-03T10:00:01Z\",\"worker\":\"" + worker + "\",\"event\":\"" + event
                + "\",\"function\":\"soak\",\"handle\":\"H:h:" + unique + "\",\"server\":\"127.0.0.1:4730\",\"unique\":\""
                + unique + "\"" + (error == null ? "" : ",\"error\":\"" + error + "\"") + "}";
    }

    @Test
    void aCleanRunPassesWithItsFigures() {
        Verdict verdict = new Soak(3).judge();

        assertThat(verdict.failures()).isEmpty();
        assertThat(verdict.ok()).isTrue();
        assertThat(verdict.figures()).containsExactly(
                "ground truth: submitted 3, unique ids executed 3, lost 0; executions 3, duplicates 0 (ids 0): 0 after"
                        + " a kill -9, 0 around a gearmand restart, 0 unexplained",
                "report: started 3, ended 3, failed 0, run twice 0, lost 0, handed back 0, worker exits 5 (sigterm:4),"
                        + " workers running 0",
                "service back after gearmand's return (ms): 11 76; max 76",
                "run twice: the report counts 0 job(s) started more than once (a run killed before its side effect"
                        + " included); the ground truth 0 id(s) executed more than once",
                "the event log never claimed a result gearmand did not keep: no unique id has two job_ended");
    }

    @Test
    void duplicatesAreExplainedOnlyWithinTheWindowOfAKillOrAGearmandRestart() {
        Soak soak = new Soak(4);
        soak.executions.add(new Execution(id(0), KILL_AT - 2000));        // kill window: 2 s before …
        soak.executions.add(new Execution(id(1), KILL_AT + 500));         // … to 0.5 s after
        soak.executions.add(new Execution(id(2), GEARMAND_UP + 2000));     // gearmand: up to 2 s after its return
        soak.executions.add(new Execution(id(3), KILL_AT + 501));         // neither
        soak.executions.add(new Execution(id(3), GEARMAND_DOWN - 2001));  // neither

        Verdict verdict = soak.judge();

        assertThat(verdict.figures().get(0)).isEqualTo("ground truth: submitted 4, unique ids executed 4, lost 0;"
                + " executions 9, duplicates 5 (ids 4): 2 after a kill -9, 1 around a gearmand restart, 2 unexplained");
        assertThat(verdict.unexplainedIds()).containsExactly(id(3), id(3));
        assertThat(verdict.failures()).containsExactly("2 duplicate execution(s) not explained by a kill -9 or a"
                + " gearmand restart: /run/unexplained.txt");
    }

    @Test
    void executionsOfOtherRunsDoNotCountAndAnIdNeverExecutedFails() {
        Soak soak = new Soak(3);
        soak.executions.remove(2);
        soak.executions.add(new Execution("soak-0-7", 5));

        assertThat(soak.judge().failures()).containsExactly("1 unique id(s) never executed");
    }

    @Test
    void aJobStartedOnAKilledWorkerAndExecutedOnceIsAnAcceptedLostJob() {
        Soak soak = new Soak(2);
        soak.log0.remove(job("worker-00", "job_ended", id(1), null));
        soak.log1.add(job("worker-01", "job_started", id(1), null));       // its last start: in the killed process
        soak.lost = 1L;

        Verdict verdict = soak.judge();

        assertThat(verdict.failures()).isEmpty();
        assertThat(verdict.figures()).contains("report lost: 1 id(s) started and never ended, 1 of them with a result"
                + " that left unconfirmed (kill -9 or gearmand restart) and executed exactly once by the ground truth");
    }

    @Test
    void aJobHandedBackBeforeItsResultWasConfirmedAndExecutedOnceIsAnAcceptedLostJob() {
        Soak soak = new Soak(2);
        soak.log0.set(soak.log0.indexOf(job("worker-00", "job_ended", id(1), null)), job("worker-00",
                "job_handed_back", id(1), "connection to gearmand lost before it confirmed the result: EOF"));
        soak.lost = 1L;

        assertThat(soak.judge().failures()).isEmpty();
    }

    @Test
    void aLostJobThatRanTwiceOrWasNeverUnconfirmedFailsTheRun() {
        Soak ranTwice = new Soak(2);
        ranTwice.log0.remove(job("worker-00", "job_ended", id(1), null));
        ranTwice.log1.add(job("worker-01", "job_started", id(1), null));
        ranTwice.executions.add(new Execution(id(1), KILL_AT - 100));
        ranTwice.lost = 1L;
        Soak notKilled = new Soak(2);
        notKilled.log0.remove(job("worker-00", "job_ended", id(1), null));
        notKilled.lost = 1L;

        String onlyZero = "the report counts 1 lost, of which only 0 had a result that left unconfirmed (kill -9,"
                + " gearmand restart) and ran exactly once";
        assertThat(ranTwice.judge().failures()).containsExactly(onlyZero);
        assertThat(notKilled.judge().failures()).containsExactly(onlyZero);
    }

    @Test
    void theReportAndTheEventLogsMustAgreeOnLostJobs() {
        Soak soak = new Soak(2);
        soak.lost = 3L;

        assertThat(soak.judge().failures()).containsExactly("the report counts 3 lost, the event logs 0 unfinished ids");
    }

    @Test
    void anEventLogThatClaimsAResultTwiceFailsUnlessTheLogIsNotStrict() {
        Soak soak = new Soak(2);
        soak.log1.add(job("worker-01", "job_ended", id(0), null));

        assertThat(soak.judge().failures()).containsExactly("the event log claimed 1 result(s) gearmand did not keep");
        assertThat(soak.judge().figures()).contains("NOTE: 1 unique id(s) have two job_ended: the event log claimed"
                + " results gearmand did not keep");
        soak.strictLog = false;
        assertThat(soak.judge().failures()).isEmpty();
    }

    @Test
    void aCrashAFailedJobARunningWorkerASlowReturnOrAShortSubmitFailTheRun() {
        Soak soak = new Soak(1);
        soak.expected = 2;
        soak.reasons.put("error", 1L);
        soak.failed = 1L;
        soak.workersRunning = null; // the report did not say: not final
        soak.serviceBack = List.of(2001L);

        assertThat(soak.judge().failures()).containsExactly(
                "submitted 1, not 2",
                "the report still sees  worker(s) running, so lost is not final",
                "1 job(s) failed",
                "workers exited for reason error (crash): sigterm:4,error:1",
                "service came back 2001 ms after gearmand's return (more than 2000)");
    }

    @Test
    void theCommandJudgesARunDirWritesTheUnexplainedIdsAndExitsOneOnFailure(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("chaos.log"), "kill9 100000 100000 worker-01/4242/2\n");
        Path executions = Files.createDirectories(dir.resolve("executions"));
        Files.writeString(executions.resolve(id(0) + "~ID-a"), "ran");
        Files.setLastModifiedTime(Files.writeString(executions.resolve(id(0) + "~ID-b"), "ran"),
                FileTime.fromMillis(50_000));
        Files.writeString(dir.resolve("report.json"), "{\"date\":\"2026-12-03 10:00:00\",\"started\":2,\"ended\":1,"
                + "\"failed\":0,\"inFlight\":0,\"runTwice\":1,\"lost\":0,\"handedBack\":0,\"jobLoad\":0.10,"
                + "\"workerExits\":4,\"workersRunning\":0,\"exitReasons\":{\"killed\":1,\"sigterm\":3},"
                + "\"garbledLines\":0}");
        Path log = dir.resolve("worker-00.events.log");
        Files.writeString(log, ready("worker-00", 1) + "\n" + job("worker-00", "job_started", id(0), null) + "\n"
                + job("worker-00", "job_ended", id(0), null) + "\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true));
        int code;
        try {
            code = SoakVerdictCommand.run(new String[] { "--run-id", RUN, "--expected", "1", "--submitted", "1",
                    "--service-back-ms", "", "--back-within-ms", "2000", "--strict-log", "1", dir.toString(),
                    log.toString(), dir.resolve("worker-01.events.log").toString() });
        } finally {
            System.setOut(stdout);
        }

        assertThat(code).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("unexplained.txt"))).containsExactly(id(0));
        assertThat(out.toString()).contains(
                "report: started 2, ended 1, failed 0, run twice 1, lost 0, handed back 0, worker exits 4"
                        + " (killed:1,sigterm:3), workers running 0",
                "service back after gearmand's return (ms): none; max 0",
                "FAILED: 1 duplicate execution(s) not explained by a kill -9 or a gearmand restart: "
                        + dir.resolve("unexplained.txt"));
    }

    @Test
    void badArgumentsOrAMissingRunDirExitTwo(@TempDir Path dir) {
        assertThat(SoakVerdictCommand.run(new String[] { "--run-id", RUN, "--expected", "x" })).isEqualTo(2);
        assertThat(SoakVerdictCommand.run(new String[] { "--run-id", RUN, "--expected", "1", "--submitted", "1",
                "--back-within-ms", "2000", dir.resolve("nowhere").toString() })).isEqualTo(2);
    }
}
