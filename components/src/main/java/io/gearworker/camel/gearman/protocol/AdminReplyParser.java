package io.gearworker.camel.gearman.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.AdminClient.WorkerLine;

/**
 * Reads the rows of gearmand's {@code status} and {@code workers} replies without ever failing. gearmand prints
 * function names and client ids raw, so a name with a newline splits a row in two (or forges one) and a name with
 * a space cannot be told from two names: no parser reads every name right. This one reads well-formed rows exactly,
 * joins a row broken by a newline where the shape allows, and counts every line that does not fit as an anomaly
 * instead of throwing.
 */
final class AdminReplyParser {

    /** The rows read and how many lines did not fit the format. */
    record Parsed<T>(List<T> rows, int anomalies, String firstAnomaly) {
    }

    // FD IP CLIENT-ID : FUNC… — the IP may carry colons (IPv6), so ":" is only the separator after a space
    private static final Pattern WORKER_ROW = Pattern.compile("(\\d+) (\\S+) (.+?) :(?: (.*))?");

    private AdminReplyParser() {
    }

    /**
     * {@code FUNCTION\tTOTAL\tRUNNING\tAVAILABLE_WORKERS}, the three numbers read from the right so a tab inside the
     * name stays in the name. A line without three trailing numbers (a name's part before its newline, a stray
     * {@code .}) is an anomaly and is prefixed, with its newline, to the name of the next row.
     */
    static Parsed<FunctionStatus> status(List<String> lines) {
        List<FunctionStatus> rows = new ArrayList<>();
        Anomalies anomalies = new Anomalies();
        String held = null;
        for (String line : lines) {
            FunctionStatus row = statusRow(line);
            if (row == null) {
                anomalies.add(line);
                held = held == null ? line : held + "\n" + line;
            } else {
                rows.add(held == null ? row : new FunctionStatus(held + "\n" + row.function(), row.total(),
                        row.running(), row.availableWorkers()));
                held = null;
            }
        }
        return new Parsed<>(List.copyOf(rows), anomalies.count, anomalies.first);
    }

    /** One line of {@code status}, or null when it does not end in three tab-separated counts. */
    static FunctionStatus statusRow(String line) {
        int c = line.lastIndexOf('\t');
        int b = c > 0 ? line.lastIndexOf('\t', c - 1) : -1;
        int a = b > 0 ? line.lastIndexOf('\t', b - 1) : -1;
        if (a < 0) {
            return null;
        }
        int total = count(line.substring(a + 1, b));
        int running = count(line.substring(b + 1, c));
        int available = count(line.substring(c + 1));
        if (total < 0 || running < 0 || available < 0) {
            return null;
        }
        return new FunctionStatus(line.substring(0, a), total, running, available);
    }

    /**
     * {@code FD IP CLIENT-ID : FUNC…}, functions separated by spaces. A line that does not start like a row (a
     * name's part after its newline, a stray {@code .}) is an anomaly: its first word continues the previous row's
     * last function after a newline, its other words are further functions of that row.
     */
    static Parsed<WorkerLine> workers(ServerAddress server, List<String> lines) {
        List<WorkerLine> rows = new ArrayList<>();
        Anomalies anomalies = new Anomalies();
        for (String line : lines) {
            Matcher m = WORKER_ROW.matcher(line);
            if (m.matches()) {
                rows.add(new WorkerLine(server, m.group(1), m.group(2), m.group(3), words(m.group(4), 0)));
                continue;
            }
            anomalies.add(line);
            int last = rows.size() - 1;
            if (last < 0 || rows.get(last).functions().isEmpty()) {
                continue; // nothing it could continue: dropped, counted
            }
            WorkerLine previous = rows.get(last);
            List<String> functions = new ArrayList<>(previous.functions());
            String[] parts = line.split(" ", -1);
            functions.set(functions.size() - 1, functions.get(functions.size() - 1) + "\n" + parts[0]);
            functions.addAll(words(line, 1));
            rows.set(last, new WorkerLine(server, previous.fd(), previous.ip(), previous.clientId(),
                    List.copyOf(functions)));
        }
        return new Parsed<>(List.copyOf(rows), anomalies.count, anomalies.first);
    }

    /** The non-empty space-separated words of {@code text} from the {@code skip}-th on (gearmand's own spacing). */
    private static List<String> words(String text, int skip) {
        if (text == null) {
            return List.of();
        }
        String[] parts = text.split(" ", -1);
        List<String> words = new ArrayList<>();
        for (int i = skip; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                words.add(parts[i]);
            }
        }
        return List.copyOf(words);
    }

    /** A non-negative decimal that fits an int, else -1. */
    private static int count(String digits) {
        if (digits.isEmpty() || digits.length() > 9) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(digits);
    }

    private static final class Anomalies {
        int count;
        String first;

        void add(String line) {
            if (count++ == 0) {
                first = line;
            }
        }
    }
}
