package io.gearworker.worker.report;

import io.gearworker.worker.runtime.EventLog;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The status report over worker event logs (the lines {@link EventLog} writes): pure logic, no I/O. Lines are
 * parsed with {@link #parse}; {@link #summarize} replays the events of all logs in timestamp order and counts.
 * <p>
 * A worker is known by its {@code worker} id. A <em>life</em> of a worker runs from its first event (normally
 * {@code ready}) to its {@code exit}; a {@code ready} in a life that already had one means the process died
 * without an {@code exit} (kill -9) and a new one started under the same id (supervisord). A job is known by its
 * handle; it is <em>unfinished</em> while its last event is {@code job_started} or {@code job_handed_back}.
 * <ul>
 * <li>started: {@code job_started} events; ended: distinct handles with {@code job_ended} or {@code job_failed};
 * failed: {@code job_failed} events; run twice: handles with more than one {@code job_started}.</li>
 * <li>in flight: unfinished handles while at least one worker is running; lost: unfinished handles once no worker
 * is running (otherwise 0). So ended + in flight + lost = distinct handles started (a handle ended but never seen
 * started counts in ended only).</li>
 * <li>jobLoad: busy job-seconds (start to end or hand-back of each run; to now while running on a live worker)
 * divided by worker-seconds (each life's start to its exit, to its last event when it died, or to now).</li>
 * </ul>
 */
public final class EventReport {

    static final String RULE = "**************************************************";
    static final String TITLE = "***** REPORT FROM WORKER EVENT LOGS **************";

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private EventReport() {
    }

    /** One event-log line; {@code order} keeps the file order of events with equal timestamps. */
    record Event(Instant ts, String worker, String event, String handle, String reason, long order) {
    }

    /** The report's figures. */
    public record Summary(long started, long ended, long failed, long inFlight, long runTwice, long lost,
                          long handedBack, double jobLoad, long workerExits, long workersRunning,
                          SortedMap<String, Long> exitReasons, long garbledLines) {

        /** The report block, seed style; every line ends with a newline. */
        public String text(LocalDateTime date) {
            StringBuilder s = new StringBuilder(512);
            line(s, RULE);
            line(s, TITLE);
            line(s, "Date " + DATE.format(date));
            line(s, "started: " + started);
            line(s, "ended: " + ended);
            line(s, "failed: " + failed);
            line(s, "in flight: " + inFlight);
            line(s, "run twice: " + runTwice);
            line(s, "lost: " + lost);
            line(s, "handed back: " + handedBack);
            line(s, "jobLoad: " + String.format(Locale.ROOT, "%.2f", jobLoad));
            line(s, "worker exits: " + workerExits);
            line(s, "workers running: " + workersRunning);
            exitReasons.forEach((reason, n) -> line(s, "exit due to " + reason + ": " + n));
            line(s, "garbled lines: " + garbledLines);
            line(s, RULE);
            return s.toString();
        }

        /** The same figures as one JSON object on one line (no newline). */
        public String json(LocalDateTime date) {
            StringWriter out = new StringWriter(256);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("date", DATE.format(date));
                g.writeNumberField("started", started);
                g.writeNumberField("ended", ended);
                g.writeNumberField("failed", failed);
                g.writeNumberField("inFlight", inFlight);
                g.writeNumberField("runTwice", runTwice);
                g.writeNumberField("lost", lost);
                g.writeNumberField("handedBack", handedBack);
                g.writeNumberField("jobLoad", BigDecimal.valueOf(jobLoad).setScale(2, RoundingMode.HALF_UP));
                g.writeNumberField("workerExits", workerExits);
                g.writeNumberField("workersRunning", workersRunning);
                g.writeObjectFieldStart("exitReasons");
                for (Map.Entry<String, Long> e : exitReasons.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("garbledLines", garbledLines);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }

        private static void line(StringBuilder s, String text) {
            s.append(text).append('\n');
        }
    }

    /**
     * Parses one event-log line. Empty when the line is not an event: not one complete JSON object, or without a
     * parseable {@code ts}, a {@code worker} or an {@code event}, or a job event without a {@code handle}. Never
     * throws.
     */
    static Optional<Event> parse(String line, long order) {
        String ts = null;
        String worker = null;
        String event = null;
        String handle = null;
        String reason = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                switch (name) {
                    case "ts" -> ts = text;
                    case "worker" -> worker = text;
                    case "event" -> event = text;
                    case "handle" -> handle = text;
                    case "reason" -> reason = text;
                    default -> {
                        // other fields (function, jobs, code, pid, …) are not needed for the report
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (ts == null || worker == null || event == null) {
            return Optional.empty();
        }
        if (event.startsWith("job_") && handle == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Event(Instant.parse(ts), worker, event, handle, reason, order));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private enum JobState { RUNNING, HANDED_BACK, ENDED }

    private static final class Life {
        final Instant start;
        Instant end;
        boolean sawReady;

        Life(Instant start) {
            this.start = start;
        }

        boolean running() {
            return end == null;
        }
    }

    private static final class Job {
        int starts;
        boolean everEnded;
        JobState state;
        Life life;
        Instant startTs;
    }

    /** Replays the events in timestamp order (file order for equal timestamps) and counts; {@code now} ends lives. */
    public static Summary summarize(Collection<Event> events, long garbledLines, Instant now) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Event::ts).thenComparingLong(Event::order));

        Map<String, Life> lifeOf = new HashMap<>();
        Map<String, Instant> lastSeen = new HashMap<>();
        List<Life> lives = new ArrayList<>();
        Map<String, Job> jobs = new HashMap<>();
        SortedMap<String, Long> exitReasons = new TreeMap<>();
        long started = 0;
        long failed = 0;
        long handedBack = 0;
        long exits = 0;
        double busySeconds = 0;

        for (Event e : sorted) {
            if (!isKnown(e.event())) {
                continue;
            }
            Life life = lifeOf.get(e.worker());
            if (life != null && life.running() && "ready".equals(e.event()) && life.sawReady) {
                life.end = lastSeen.get(e.worker()); // died without an exit event; a new process took the id
            }
            if (life == null || !life.running()) {
                life = new Life(e.ts());
                lives.add(life);
                lifeOf.put(e.worker(), life);
            }
            lastSeen.put(e.worker(), e.ts());
            switch (e.event()) {
                case "ready" -> life.sawReady = true;
                case "exit" -> {
                    exits++;
                    exitReasons.merge(e.reason() != null ? e.reason() : "unknown", 1L, Long::sum);
                    life.end = e.ts();
                }
                case "job_started" -> {
                    started++;
                    Job job = jobs.computeIfAbsent(e.handle(), h -> new Job());
                    job.starts++;
                    job.state = JobState.RUNNING;
                    job.life = life;
                    job.startTs = e.ts();
                }
                case "job_ended", "job_failed", "job_handed_back" -> {
                    Job job = jobs.computeIfAbsent(e.handle(), h -> new Job());
                    if (job.state == JobState.RUNNING) {
                        busySeconds += seconds(job.startTs, e.ts());
                    }
                    if ("job_handed_back".equals(e.event())) {
                        handedBack++;
                        job.state = JobState.HANDED_BACK;
                    } else {
                        failed += "job_failed".equals(e.event()) ? 1 : 0;
                        job.state = JobState.ENDED;
                        job.everEnded = true;
                    }
                }
                default -> {
                    // stopping: only marks the worker as alive
                }
            }
        }

        long running = lives.stream().filter(Life::running).count();
        double workerSeconds = 0;
        for (Life life : lives) {
            workerSeconds += seconds(life.start, life.running() ? now : life.end);
        }
        long ended = 0;
        long runTwice = 0;
        long unfinished = 0;
        for (Job job : jobs.values()) {
            ended += job.everEnded ? 1 : 0;
            runTwice += job.starts > 1 ? 1 : 0;
            if (job.state != JobState.ENDED && job.starts > 0) {
                unfinished++;
            }
            if (job.state == JobState.RUNNING && job.life.running()) {
                busySeconds += seconds(job.startTs, now);
            }
        }
        double jobLoad = workerSeconds > 0 ? busySeconds / workerSeconds : 0;
        return new Summary(started, ended, failed, running > 0 ? unfinished : 0, runTwice,
                running > 0 ? 0 : unfinished, handedBack, jobLoad, exits, running, exitReasons, garbledLines);
    }

    private static boolean isKnown(String event) {
        return switch (event) {
            case "ready", "job_started", "job_ended", "job_failed", "job_handed_back", "stopping", "exit" -> true;
            default -> false;
        };
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }
}
