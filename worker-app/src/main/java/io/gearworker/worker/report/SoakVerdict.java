package io.gearworker.worker.report;

import io.gearworker.worker.runtime.EventField;
import io.gearworker.worker.runtime.EventType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The chaos soak's verdict ({@code setup/soak.sh}): did every job run, whatever the disruptions did? It judges
 * from the soak's own ground truth — one execution record per run of a job, named after its unique id — and
 * holds the workers' event logs and {@code report --json} against it.
 *
 * <p>A duplicate execution (every execution of an id but its last) is explained when it fell within 2 s before
 * a kill -9 (up to 0.5 s after), or between 2 s before a gearmand stop and 2 s after gearmand answered again:
 * the result may not have reached gearmand. A job the report counts as lost (started, never ended or failed) is
 * accepted only when its result left unconfirmed — its worker was killed by kill -9, or it was handed back
 * "before it confirmed the result" — and the ground truth ran it exactly once: gearmand kept the result, so
 * nobody ran it again, and the log rightly never claimed it ended.
 */
public final class SoakVerdict {

    static final long KILL_WINDOW_BEFORE_MS = 2000;
    static final long KILL_WINDOW_AFTER_MS = 500;
    static final long GEARMAND_WINDOW_MS = 2000;
    static final String UNCONFIRMED = "before it confirmed the result";
    static final JsonFactory JSON = new JsonFactory();

    /** One disruption of {@code chaos.log}: kind ({@code kill9}, {@code gearmand}), its window, and what it hit. */
    public record Disruption(String kind, long fromMs, long toMs, String what) {

        boolean explains(long executionMs) {
            return switch (kind) {
                case "kill9" -> executionMs >= fromMs - KILL_WINDOW_BEFORE_MS && executionMs <= toMs + KILL_WINDOW_AFTER_MS;
                case "gearmand" -> executionMs >= fromMs - GEARMAND_WINDOW_MS && executionMs <= toMs + GEARMAND_WINDOW_MS;
                default -> false;
            };
        }

        /** For a kill -9: {@code <worker>/<pid>} of the process killed. */
        String killedProcess() {
            String[] parts = what.split("/");
            return parts.length >= 2 ? parts[0] + "/" + parts[1] : what;
        }
    }

    /** One execution of the ground truth: the job's unique id and when it ended (epoch ms). */
    public record Execution(String uniqueId, long atMs) {
    }

    /** The figures of {@code report --json} the verdict uses; null where the report had none. */
    public record ReportFigures(Long started, Long ended, Long failed, Long runTwice, Long lost, Long handedBack,
                                Long workerExits, Long workersRunning, Map<String, Long> exitReasons) {

        /** {@code killed:5,sigterm:54}, in the report's order. */
        String reasons() {
            return String.join(",", exitReasons.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
        }
    }

    /**
     * What the soak leaves behind: how many jobs it meant to submit and did, the prefix of their unique ids,
     * the disruptions, the executions, the event logs (the lines of each file, in the order given), the report,
     * how long after each gearmand restart a worker served again and the longest that may take, and whether an
     * event log that claims a result gearmand did not keep fails the run.
     */
    public record Evidence(long expected, long submitted, String uniqueIdPrefix, List<Disruption> disruptions,
                           List<Execution> executions, List<List<String>> eventLogs, ReportFigures report,
                           List<Long> serviceBackMs, long backWithinMs, boolean strictLog,
                           String unexplainedFile) {
    }

    /** The figure lines to print, the ids of unexplained duplicates, and one line per failed condition. */
    public record Verdict(List<String> figures, List<String> unexplainedIds, List<String> failures) {

        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private SoakVerdict() {
    }

    public static Verdict judge(Evidence evidence) {
        GroundTruth truth = GroundTruth.of(evidence);
        LostJobs lost = LostJobs.of(evidence);
        long overclaimed = overclaimedIds(evidence.eventLogs());
        ReportFigures report = evidence.report();
        long maxBack = evidence.serviceBackMs().stream().mapToLong(Long::longValue).max().orElse(0);
        long lostTruth = evidence.submitted() - truth.distinct;

        List<String> figures = new ArrayList<>();
        figures.add("ground truth: submitted " + evidence.submitted() + ", unique ids executed " + truth.distinct
                + ", lost " + lostTruth + "; executions " + truth.total + ", duplicates " + truth.duplicates
                + " (ids " + truth.duplicateIds + "): " + truth.byKill + " after a kill -9, " + truth.byGearmand
                + " around a gearmand restart, " + truth.unexplained.size() + " unexplained");
        figures.add("report: started " + text(report.started()) + ", ended " + text(report.ended()) + ", failed "
                + text(report.failed()) + ", run twice " + text(report.runTwice()) + ", lost " + text(report.lost())
                + ", handed back " + text(report.handedBack()) + ", worker exits " + text(report.workerExits()) + " ("
                + report.reasons() + "), workers running " + text(report.workersRunning()));
        if (lost.ids != 0) {
            figures.add("report lost: " + lost.ids + " id(s) started and never ended, " + lost.unconfirmed
                    + " of them with a result that left unconfirmed (kill -9 or gearmand restart) and executed"
                    + " exactly once by the ground truth");
        }
        figures.add("service back after gearmand's return (ms): " + (evidence.serviceBackMs().isEmpty() ? "none"
                : String.join(" ", evidence.serviceBackMs().stream().map(String::valueOf).toList())) + "; max "
                + maxBack);
        figures.add("run twice: the report counts " + text(report.runTwice()) + " job(s) started more than once (a run"
                + " killed before its side effect included); the ground truth " + truth.duplicateIds
                + " id(s) executed more than once");
        figures.add(overclaimed == 0
                ? "the event log never claimed a result gearmand did not keep: no unique id has two job_ended"
                : "NOTE: " + overclaimed + " unique id(s) have two job_ended: the event log claimed results gearmand"
                        + " did not keep");

        List<String> failures = new ArrayList<>();
        if (evidence.submitted() != evidence.expected()) {
            failures.add("submitted " + evidence.submitted() + ", not " + evidence.expected());
        }
        if (lostTruth != 0) {
            failures.add(lostTruth + " unique id(s) never executed");
        }
        if (!truth.unexplained.isEmpty()) {
            failures.add(truth.unexplained.size() + " duplicate execution(s) not explained by a kill -9 or a gearmand"
                    + " restart: " + evidence.unexplainedFile());
        }
        if (lost.ids != orElse(report.lost(), 1)) {
            failures.add("the report counts " + text(report.lost()) + " lost, the event logs " + lost.ids
                    + " unfinished ids");
        }
        if (lost.ids != lost.unconfirmed) {
            failures.add("the report counts " + text(report.lost()) + " lost, of which only " + lost.unconfirmed
                    + " had a result that left unconfirmed (kill -9, gearmand restart) and ran exactly once");
        }
        if (orElse(report.workersRunning(), 1) != 0) {
            failures.add("the report still sees " + text(report.workersRunning())
                    + " worker(s) running, so lost is not final");
        }
        if (orElse(report.failed(), 1) != 0) {
            failures.add(text(report.failed()) + " job(s) failed");
        }
        if (report.exitReasons().containsKey("error")) {
            failures.add("workers exited for reason error (crash): " + report.reasons());
        }
        if (overclaimed != 0 && evidence.strictLog()) {
            failures.add("the event log claimed " + overclaimed + " result(s) gearmand did not keep");
        }
        if (maxBack > evidence.backWithinMs()) {
            failures.add("service came back " + maxBack + " ms after gearmand's return (more than "
                    + evidence.backWithinMs() + ")");
        }
        return new Verdict(List.copyOf(figures), List.copyOf(truth.unexplained), List.copyOf(failures));
    }

    /** Executions per unique id of this run, and which duplicates a disruption explains. */
    private static final class GroundTruth {
        long distinct;
        long total;
        long duplicateIds;
        long duplicates;
        long byKill;
        long byGearmand;
        final List<String> unexplained = new ArrayList<>();

        static GroundTruth of(Evidence evidence) {
            GroundTruth truth = new GroundTruth();
            Map<String, List<Long>> runs = new TreeMap<>();
            for (Execution execution : evidence.executions()) {
                if (execution.uniqueId().startsWith(evidence.uniqueIdPrefix())) {
                    runs.computeIfAbsent(execution.uniqueId(), id -> new ArrayList<>()).add(execution.atMs());
                    truth.total++;
                }
            }
            truth.distinct = runs.size();
            runs.forEach((id, times) -> {
                if (times.size() < 2) {
                    return;
                }
                truth.duplicateIds++;
                List<Long> inOrder = times.stream().sorted().toList();
                for (long at : inOrder.subList(0, inOrder.size() - 1)) { // all but the last were not acknowledged
                    truth.duplicates++;
                    String why = evidence.disruptions().stream().filter(d -> d.explains(at)).findFirst()
                            .map(Disruption::kind).orElse("");
                    switch (why) {
                        case "kill9" -> truth.byKill++;
                        case "gearmand" -> truth.byGearmand++;
                        default -> truth.unexplained.add(id);
                    }
                }
            });
            return truth;
        }
    }

    /** The report's lost jobs as the event logs show them, and how many of those left unconfirmed and ran once. */
    private static final class LostJobs {
        long ids;
        long unconfirmed;

        static LostJobs of(Evidence evidence) {
            Set<String> killed = new HashSet<>();
            evidence.disruptions().stream().filter(d -> d.kind().equals("kill9"))
                    .forEach(d -> killed.add(d.killedProcess()));
            Map<String, Integer> runs = new HashMap<>();
            evidence.executions().forEach(e -> runs.merge(e.uniqueId(), 1, Integer::sum));

            Map<String, String> startedIn = new LinkedHashMap<>(); // unique id → worker/pid of its last start
            Set<String> handedBackUnconfirmed = new HashSet<>();
            Set<String> finished = new HashSet<>();
            for (List<String> log : evidence.eventLogs()) {
                String pid = "";
                for (String line : log) {
                    Map<String, String> event = eventFields(line);
                    String type = event.getOrDefault(EventField.EVENT.key(), "");
                    if (type.equals(EventType.READY.wireName())) {
                        pid = event.getOrDefault(EventField.PID.key(), "");
                        continue;
                    }
                    String id = event.get(EventField.UNIQUE.key());
                    if (id == null || !EventType.named(type).map(EventType::isJobEvent).orElse(false)) {
                        continue;
                    }
                    if (type.equals(EventType.JOB_STARTED.wireName())) {
                        startedIn.put(id, event.getOrDefault(EventField.WORKER.key(), "") + "/" + pid);
                    } else if (type.equals(EventType.JOB_HANDED_BACK.wireName())) {
                        if (event.getOrDefault(EventField.ERROR.key(), "").contains(UNCONFIRMED)) {
                            handedBackUnconfirmed.add(id);
                        }
                    } else {
                        finished.add(id);
                    }
                }
            }
            LostJobs lost = new LostJobs();
            startedIn.forEach((id, process) -> {
                if (!finished.contains(id)) {
                    lost.ids++;
                    if ((killed.contains(process) || handedBackUnconfirmed.contains(id)) && runs.getOrDefault(id, 0) == 1) {
                        lost.unconfirmed++;
                    }
                }
            });
            return lost;
        }
    }

    /** Unique ids with more than one job_ended: gearmand runs a job again only when it did not keep its result. */
    private static long overclaimedIds(List<List<String>> eventLogs) {
        Map<String, Integer> ended = new HashMap<>();
        for (List<String> log : eventLogs) {
            for (String line : log) {
                Map<String, String> event = eventFields(line);
                String id = event.get(EventField.UNIQUE.key());
                if (id != null && EventType.JOB_ENDED.wireName().equals(event.get(EventField.EVENT.key()))) {
                    ended.merge(id, 1, Integer::sum);
                }
            }
        }
        return ended.values().stream().filter(n -> n > 1).count();
    }

    /** The text and number fields of one event-log line; empty for a line that is not a JSON object. */
    static Map<String, String> eventFields(String line) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (value.isScalarValue()) {
                    fields.put(name, p.getText());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return fields;
    }

    private static long orElse(Long value, long absent) {
        return value == null ? absent : value;
    }

    private static String text(Long value) {
        return value == null ? "" : value.toString();
    }
}
