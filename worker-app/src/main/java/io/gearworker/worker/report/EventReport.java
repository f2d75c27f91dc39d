package io.gearworker.worker.report;

import io.gearworker.worker.runtime.EventField;
import io.gearworker.worker.runtime.EventLog;
import io.gearworker.worker.runtime.EventType;

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
 * {@code ready}) to its {@code exit}. A life ends without an {@code exit} (reason {@code killed}) when a
 * {@code ready}, or a {@code stopping} or {@code exit} of another pid, comes in a life that already had a
 * {@code ready} (the process died, e.g. kill -9, and supervisord started a new one under the same id), or when its
 * process is gone: its {@code ready} named this host and a pid that no longer runs ({@link Liveness}).
 * <p>
 * A job is known by its function and unique id when it has one (gearmand keeps the unique id across its restarts,
 * while a persistent queue gives the job a new handle), else by its server and handle. A {@code job_started} for a
 * job that already ended is another job (a handle of a later gearmand run, or a unique id submitted again): gearmand
 * never runs a job again once it has processed its result, which is what {@code job_ended} and {@code job_failed}
 * mean. A job is <em>unfinished</em> while its last event is {@code job_started} or {@code job_handed_back}.
 * <ul>
 * <li>started: {@code job_started} events; ended: jobs with {@code job_ended} or {@code job_failed}; failed:
 * {@code job_failed} events; run twice: jobs with more than one {@code job_started}.</li>
 * <li>in flight: unfinished jobs while at least one worker is running; lost: unfinished jobs once no worker is
 * running (otherwise 0). So ended + in flight + lost = jobs started (a job ended but never seen started counts in
 * ended only).</li>
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
    record Event(Instant ts, String worker, EventType type, String function, String handle, String server,
                 String unique, String reason, Long pid, String host, long order) {

        /** The {@code event} field's name; {@code null} for an event this version does not know. */
        String event() {
            return type == null ? null : type.wireName();
        }
    }

    /** Tells whether the process a {@code ready} named still runs; {@code true} when it cannot tell. */
    @FunctionalInterface
    public interface Liveness {

        /** Nothing is known dead: a life ends only with its exit or the next ready. */
        Liveness UNKNOWN = (host, pid, ready) -> true;

        boolean alive(String host, long pid, Instant ready);
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
     * parseable {@code ts}, a {@code worker} or an {@code event}, or a job event without a {@code handle};
     * an event this version does not know has a {@code null} type (the report skips it). Never throws.
     */
    static Optional<Event> parse(String line, long order) {
        Map<String, String> text = new HashMap<>();
        Long pid = null;
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
                } else if (value == JsonToken.VALUE_STRING) {
                    text.put(name, p.getText());
                } else if (value == JsonToken.VALUE_NUMBER_INT && EventField.PID.key().equals(name)) {
                    pid = p.getLongValue();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        String ts = text.get(EventField.TS.key());
        String worker = text.get(EventField.WORKER.key());
        String event = text.get(EventField.EVENT.key());
        String handle = text.get(EventField.HANDLE.key());
        if (ts == null || worker == null || event == null) {
            return Optional.empty();
        }
        if (event.startsWith("job_") && handle == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Event(Instant.parse(ts), worker, EventType.named(event).orElse(null),
                    text.get(EventField.FUNCTION.key()), handle, text.get(EventField.SERVER.key()),
                    text.get(EventField.UNIQUE.key()), text.get(EventField.REASON.key()), pid,
                    text.get(EventField.HOST.key()), order));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private enum JobState { RUNNING, HANDED_BACK, ENDED }

    /** Why a life ended without its own exit event. */
    static final String KILLED = "killed";

    private static final class Life {
        final Instant start;
        Instant end;
        Event ready;

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

    /** Jobs by identity: function + unique id when there is one, else server + handle. */
    private static String identity(Event e) {
        return e.unique() != null
                ? "u\0" + e.function() + "\0" + e.unique()
                : "h\0" + (e.server() != null ? e.server() : "") + "\0" + e.handle();
    }

    /**
     * Whether the event comes from another process than the life's {@code ready}: a second {@code ready}, or a
     * {@code stopping} / {@code exit} naming another pid (a successor stopped before it was ready).
     */
    private static boolean isAnotherProcess(Event e, Event ready) {
        if (e.type() == EventType.READY) {
            return true;
        }
        return (e.type() == EventType.STOPPING || e.type() == EventType.EXIT) && e.pid() != null
               && ready.pid() != null && !e.pid().equals(ready.pid());
    }

    /** {@link #summarize(Collection, long, Instant, Liveness)} knowing no process dead. */
    public static Summary summarize(Collection<Event> events, long garbledLines, Instant now) {
        return summarize(events, garbledLines, now, Liveness.UNKNOWN);
    }

    /**
     * Replays the events in timestamp order (file order for equal timestamps) and counts; {@code now} ends lives
     * still running, and a life whose process {@code liveness} says is gone ends at its last event.
     */
    public static Summary summarize(Collection<Event> events, long garbledLines, Instant now, Liveness liveness) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Event::ts).thenComparingLong(Event::order));

        Map<String, Life> lifeOf = new HashMap<>();
        Map<String, Instant> lastSeen = new HashMap<>();
        List<Life> lives = new ArrayList<>();
        Map<String, Job> current = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        SortedMap<String, Long> exitReasons = new TreeMap<>();
        long started = 0;
        long failed = 0;
        long handedBack = 0;
        long exits = 0;
        double busySeconds = 0;

        for (Event e : sorted) {
            if (e.type() == null) {
                continue; // an event of a later version
            }
            Life life = lifeOf.get(e.worker());
            if (life != null && life.running() && life.ready != null && isAnotherProcess(e, life.ready)) {
                life.end = lastSeen.get(e.worker()); // died without an exit event; a new process took the id
                exits++;
                exitReasons.merge(KILLED, 1L, Long::sum);
            }
            if (life == null || !life.running()) {
                life = new Life(e.ts());
                lives.add(life);
                lifeOf.put(e.worker(), life);
            }
            lastSeen.put(e.worker(), e.ts());
            switch (e.type()) {
                case READY -> life.ready = e;
                case EXIT -> {
                    exits++;
                    exitReasons.merge(e.reason() != null ? e.reason() : "unknown", 1L, Long::sum);
                    life.end = e.ts();
                }
                case JOB_STARTED -> {
                    started++;
                    Job job = current.get(identity(e));
                    if (job == null || job.state == JobState.ENDED) {
                        job = new Job(); // gearmand processed the earlier one's result: this is another job
                        jobs.add(job);
                        current.put(identity(e), job);
                    }
                    job.starts++;
                    job.state = JobState.RUNNING;
                    job.life = life;
                    job.startTs = e.ts();
                }
                case JOB_ENDED, JOB_FAILED, JOB_HANDED_BACK -> {
                    Job job = current.get(identity(e));
                    if (job == null) {
                        job = new Job();
                        jobs.add(job);
                        current.put(identity(e), job);
                    }
                    if (job.state == JobState.RUNNING) {
                        busySeconds += seconds(job.startTs, e.ts());
                    }
                    if (e.type() == EventType.JOB_HANDED_BACK) {
                        handedBack++;
                        job.state = JobState.HANDED_BACK;
                    } else {
                        failed += e.type() == EventType.JOB_FAILED ? 1 : 0;
                        job.state = JobState.ENDED;
                        job.everEnded = true;
                    }
                }
                default -> {
                    // stopping: only marks the worker as alive
                }
            }
        }
        for (Map.Entry<String, Life> e : lifeOf.entrySet()) {
            Life life = e.getValue();
            Event ready = life.ready;
            if (life.running() && ready != null && ready.pid() != null && ready.host() != null
                && !liveness.alive(ready.host(), ready.pid(), ready.ts())) {
                life.end = lastSeen.get(e.getKey()); // its process is gone without an exit event
                exits++;
                exitReasons.merge(KILLED, 1L, Long::sum);
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
        for (Job job : jobs) {
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

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }
}
