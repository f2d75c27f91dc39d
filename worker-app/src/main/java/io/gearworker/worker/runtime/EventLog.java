package io.gearworker.worker.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * The worker's lifecycle events, one JSON object per line on stdout (the contract scripts and the report read):
 * {@code ts}, {@code worker}, {@code event} and the fields the event carries, in {@link EventField} order. Lines
 * are written whole, in the order of their events, so a kill -9 never leaves half a line. Every job writes two
 * lines, so the job events take a short path: no map, no JSON library, no array per line (see {@link JsonLine}).
 * <p>
 * A {@code job_ended} line is held back for at most {@link #HOLD_MILLIS} ms: the next line takes it along in the
 * same write (a slot's next {@code job_started} follows its {@code job_ended} at once, as gearmand's answer to the
 * result's grab brings both), else a flusher thread writes it. Under load that is one write per job instead of
 * two. A kill -9 can then lose only held {@code job_ended} lines, which under-claims (the job counts as not
 * finished, never as finished when it was not); every other line is written before its method returns.
 */
public final class EventLog {

    /** A job as its events name it: {@code unique} is {@code null} (and not written) when the job has none. */
    public record Job(String function, String handle, String server, String unique) {
    }

    /** How long a {@code job_ended} line may wait for the next line to share its write. */
    static final long HOLD_MILLIS = 5;
    /** Empty polls after which the flusher stops polling and waits to be woken: an idle worker has no wake-ups. */
    private static final int IDLE_POLLS = 40;

    private final OutputStream out;
    private final JsonLine.Value worker; // encoded once: it is on every line
    private final long pid;
    private final UtcTimestamps timestamps;
    private final long holdMillis;
    private final JsonLine lines = new JsonLine(); // lines not yet written; guards itself and the fields below
    private final JsonLine.LastValue lastFunction = new JsonLine.LastValue(); // most jobs repeat the last one's
    private final JsonLine.LastValue lastServer = new JsonLine.LastValue();
    private boolean held;                          // lines holds a job_ended
    private boolean flusherWaiting;                // the flusher waits for a held line instead of polling
    private Thread flusher;                        // started with the first held line

    public EventLog(OutputStream out, String worker) {
        this(out, worker, ProcessHandle.current().pid(), Clock.systemUTC());
    }

    EventLog(OutputStream out, String worker, long pid, Clock clock) {
        this(out, worker, pid, clock, HOLD_MILLIS);
    }

    /** {@code holdMillis}: how long the flusher lets a held line wait ({@link #HOLD_MILLIS} but in tests). */
    EventLog(OutputStream out, String worker, long pid, Clock clock, long holdMillis) {
        this.holdMillis = holdMillis;
        this.out = out;
        this.worker = new JsonLine.Value(worker);
        this.pid = pid;
        this.timestamps = new UtcTimestamps(clock);
    }

    /** This machine's host name, as {@code ready} writes it and the report compares it; {@code localhost} if unknown. */
    public static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** {@code http} is the bound host:port of the HTTP endpoint, or {@code null} (not written) when it is off. */
    public void ready(long pid, String host, String servers, String functions, String http) {
        write(EventType.READY, fields(EventField.PID, pid, EventField.HOST, host, EventField.SERVERS, servers,
                EventField.FUNCTIONS, functions, EventField.HTTP, http));
    }

    public void jobStarted(Job job) {
        synchronized (lines) {
            jobLine(EventType.JOB_STARTED, job).end();
            writeOut();
        }
    }

    /** Held back up to {@link #HOLD_MILLIS} ms, to share the next line's write (see above). */
    public void jobEnded(Job job) {
        synchronized (lines) {
            jobLine(EventType.JOB_ENDED, job).end();
            hold();
        }
    }

    public void jobFailed(Job job, String error) {
        synchronized (lines) {
            jobLine(EventType.JOB_FAILED, job).field(EventField.ERROR.jsonKey(), error).end();
            writeOut();
        }
    }

    public void jobHandedBack(Job job, String why) {
        synchronized (lines) {
            jobLine(EventType.JOB_HANDED_BACK, job).field(EventField.ERROR.jsonKey(), why).end();
            writeOut();
        }
    }

    /** Carries the pid too, so a report can tell this process's stop from a killed predecessor's life. */
    public void stopping(String reason, long jobs) {
        write(EventType.STOPPING, fields(EventField.REASON, reason, EventField.JOBS, jobs, EventField.PID, pid));
    }

    /** Carries the pid too, like {@link #stopping}. */
    public void exit(String reason, long jobs, int code) {
        write(EventType.EXIT, fields(EventField.REASON, reason, EventField.JOBS, jobs, EventField.CODE, code,
                EventField.PID, pid));
    }

    /** A job event's line so far, its fields in {@link EventField} order (ERROR, when any, comes next). */
    private JsonLine jobLine(EventType event, Job job) {
        JsonLine line = start(event)
                .field(EventField.FUNCTION.jsonKey(), job.function(), lastFunction)
                .field(EventField.HANDLE.jsonKey(), job.handle())
                .field(EventField.SERVER.jsonKey(), job.server(), lastServer);
        return job.unique() == null ? line : line.field(EventField.UNIQUE.jsonKey(), job.unique());
    }

    private JsonLine start(EventType event) {
        return lines.begin()
                .field(EventField.TS.jsonKey(), timestamps)
                .field(EventField.WORKER.jsonKey(), worker)
                .field(EventField.EVENT.jsonKey(), event.jsonValue());
    }

    private static Map<EventField, Object> fields(Object... keyValues) {
        Map<EventField, Object> fields = new EnumMap<>(EventField.class);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                fields.put((EventField) keyValues[i], keyValues[i + 1]);
            }
        }
        return fields;
    }

    private void write(EventType event, Map<EventField, Object> fields) {
        synchronized (lines) {
            JsonLine line = start(event);
            for (Map.Entry<EventField, Object> f : fields.entrySet()) { // EnumMap: in EventField order
                if (f.getValue() instanceof Number n) {
                    line.field(f.getKey().jsonKey(), n.longValue());
                } else {
                    line.field(f.getKey().jsonKey(), f.getValue().toString());
                }
            }
            line.end();
            writeOut();
        }
    }

    /** Writes every line gathered, a held job_ended first, in one write. Called holding {@code lines}. */
    private void writeOut() {
        held = false;
        try {
            lines.writeTo(out);
            out.flush();
        } catch (IOException e) {
            // stdout gone (supervisord stopped reading): the worker still works; nothing to log to
        }
    }

    /** Leaves the last line in the buffer for the next write or the flusher. Called holding {@code lines}. */
    private void hold() {
        held = true;
        if (flusher == null) {
            // one plain daemon thread: it must never delay the JVM's exit, and it only ever writes held lines
            flusher = new Thread(this::flushHeldLines, "event-log-flusher");
            flusher.setDaemon(true);
            flusher.start();
        } else if (flusherWaiting) {
            flusherWaiting = false;
            lines.notifyAll();
        }
    }

    /**
     * The flusher: every {@link #HOLD_MILLIS} ms, counted from the first line it was started or woken for, it
     * writes what is held. After {@link #IDLE_POLLS} polls that found nothing it waits until a line is held, so an
     * idle worker has no wake-ups; a busy one has 200 a second.
     */
    private void flushHeldLines() {
        int quiet = 0;
        synchronized (lines) {
            try {
                while (true) {
                    lines.wait(holdMillis); // first: a line held when the flusher starts gets its chance to share
                    if (held) {
                        writeOut();
                        quiet = 0;
                    } else if (++quiet >= IDLE_POLLS) {
                        flusherWaiting = true;
                        while (flusherWaiting) {
                            lines.wait();
                        }
                        quiet = 0;
                    }
                }
            } catch (InterruptedException e) {
                // nobody interrupts it; should it happen, it ends and held lines go with the next write
                Thread.currentThread().interrupt();
            }
        }
    }
}
