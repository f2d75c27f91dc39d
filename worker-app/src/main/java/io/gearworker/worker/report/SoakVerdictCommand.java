package io.gearworker.worker.report;

import io.gearworker.worker.report.SoakVerdict.Disruption;
import io.gearworker.worker.report.SoakVerdict.Evidence;
import io.gearworker.worker.report.SoakVerdict.Execution;
import io.gearworker.worker.report.SoakVerdict.ReportFigures;
import io.gearworker.worker.report.SoakVerdict.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * {@code setup/soak.sh}'s verdict over a run dir, as a program the script runs once the soak is over:
 * <pre>
 * java -cp gearman-worker.jar io.gearworker.worker.report.SoakVerdictCommand --run-id ID --expected N \
 *     --submitted S --service-back-ms "11 15 76" --back-within-ms 2000 --strict-log 1 RUN_DIR EVENT_LOG…
 * </pre>
 * It reads {@code chaos.log} (one disruption a line: kind, from ms, to ms, what), {@code executions/} (one file
 * per execution, {@code <unique id>~<exchange id>}, its modification time the execution's end) and
 * {@code report.json} ({@code report --json}) from RUN_DIR, writes the ids of unexplained duplicates to
 * {@code unexplained.txt}, prints the figures and one {@code FAILED: …} line per failed condition. Exit 0 when
 * the soak passed, 1 when it failed, 2 on bad arguments or an unreadable run dir (one line, no stack trace).
 */
public final class SoakVerdictCommand {

    private SoakVerdictCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Evidence evidence;
        Path dir;
        try {
            Map<String, String> options = new HashMap<>();
            int i = 0;
            while (i < args.length && args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                options.put(args[i].substring(2), args[i + 1]);
                i += 2;
            }
            if (i >= args.length) {
                throw new IllegalArgumentException("no run dir given");
            }
            dir = Path.of(args[i]);
            List<Path> logs = Arrays.stream(args, i + 1, args.length).map(Path::of).toList();
            evidence = new Evidence(number(options, "expected"), number(options, "submitted"),
                    required(options, "run-id") + "-", disruptions(dir.resolve("chaos.log")),
                    executions(dir.resolve("executions")), eventLogs(logs),
                    reportFigures(Files.readString(dir.resolve("report.json"), StandardCharsets.UTF_8)),
                    Arrays.stream(options.getOrDefault("service-back-ms", "").trim().split("\\s+"))
                            .filter(s -> !s.isEmpty()).map(Long::valueOf).toList(),
                    number(options, "back-within-ms"), !"0".equals(options.getOrDefault("strict-log", "1")),
                    dir.resolve("unexplained.txt").toString());
        } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
            System.err.println("soak verdict: " + message(e));
            return 2;
        }
        Verdict verdict = SoakVerdict.judge(evidence);
        try {
            Files.write(dir.resolve("unexplained.txt"), verdict.unexplainedIds(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("soak verdict: cannot write " + dir.resolve("unexplained.txt") + ": " + message(e));
            return 2;
        }
        verdict.figures().forEach(System.out::println);
        verdict.failures().forEach(f -> System.out.println("FAILED: " + f));
        return verdict.ok() ? 0 : 1;
    }

    static List<Disruption> disruptions(Path chaosLog) throws IOException {
        List<Disruption> disruptions = new ArrayList<>();
        for (String line : Files.readAllLines(chaosLog, StandardCharsets.UTF_8)) {
            String[] f = line.trim().split("\\s+", 4);
            if (f.length == 4) {
                disruptions.add(new Disruption(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3]));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(chaosLog + ": not 'kind from-ms to-ms what': " + line);
            }
        }
        return disruptions;
    }

    /** Each file's name up to its first {@code ~} is the unique id; its modification time, to the nearest ms. */
    static List<Execution> executions(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(file -> {
                String name = file.getFileName().toString();
                int tilde = name.indexOf('~');
                try {
                    long nanos = Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
                    return new Execution(tilde < 0 ? name : name.substring(0, tilde), Math.round(nanos / 1e6));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** The lines of each log, in the order given; a log that does not exist is empty. */
    static List<List<String>> eventLogs(List<Path> logs) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        for (Path log : logs) {
            lines.add(Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of());
        }
        return lines;
    }

    /** The figures of {@code report --json}'s one-line object; a figure it lacks is null. */
    static ReportFigures reportFigures(String json) throws IOException {
        Map<String, Long> numbers = new HashMap<>();
        Map<String, Long> reasons = new LinkedHashMap<>();
        try (JsonParser p = SoakVerdict.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("report.json is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT && name.equals("exitReasons")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String reason = p.currentName();
                        p.nextToken();
                        reasons.put(reason, p.getLongValue());
                    }
                } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_NUMBER_INT) {
                    numbers.put(name, p.getLongValue());
                }
            }
        }
        return new ReportFigures(numbers.get("started"), numbers.get("ended"), numbers.get("failed"),
                numbers.get("runTwice"), numbers.get("lost"), numbers.get("handedBack"), numbers.get("workerExits"),
                numbers.get("workersRunning"), reasons);
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static long number(Map<String, String> options, String name) {
        String value = required(options, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + value + "'");
        }
    }

    private static String message(Exception e) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        return cause instanceof NoSuchFileException ? "no such file: " + cause.getMessage() : cause.getMessage();
    }
}
