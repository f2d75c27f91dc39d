package io.gearworker.camel.gearman.protocol;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines of gearmand's admin replies that did not fit the format: counted for the metrics, logged once per streak
 * (when a server's reply to a command first has them, and when it is clean again), so a function name that breaks
 * every reply costs two log lines, not one a second.
 */
final class AdminAnomalies {

    private static final Logger LOG = LoggerFactory.getLogger(AdminClient.class);
    private static final int QUOTE = 60;

    private final LongAdder total = new LongAdder();
    private final Set<String> streaks = ConcurrentHashMap.newKeySet();

    long total() {
        return total.sum();
    }

    void record(ServerAddress server, String command, int anomalies, String firstLine) {
        String streak = server + " " + command;
        if (anomalies > 0) {
            total.add(anomalies);
            if (streaks.add(streak)) {
                LOG.warn("gearmand {} '{}': {} line(s) do not fit the admin format (a function or client name with "
                         + "a newline, tab or space?), first: \"{}\"; rows near them may be misread; logged again "
                         + "when the replies fit", server, command, anomalies, quote(firstLine));
            }
        } else if (streaks.remove(streak)) {
            LOG.info("gearmand {} '{}': the reply fits the admin format again", server, command);
        }
    }

    /** The start of a line, control characters escaped: a name chosen by anyone must not forge log lines. */
    static String quote(String line) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        for (; i < line.length() && s.length() < QUOTE; i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                s.append("\\t");
            } else if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return i < line.length() ? s + "…" : s.toString();
    }
}
