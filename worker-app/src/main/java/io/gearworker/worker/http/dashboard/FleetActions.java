package io.gearworker.worker.http.dashboard;

import io.gearworker.worker.fleet.ControlClient;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.fleet.RollingRestart;
import io.gearworker.worker.fleet.Worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's actions: {@code quiet}, {@code resume}, {@code terminate} for one worker or all, and a rolling
 * restart of all ({@link RollingRestart} in the background, one at a time). They go to the workers' control
 * functions, with the control secret when one is set. What each did is kept in a short log the page shows.
 * Whether a request may act at all ({@link #enabled()}, {@link #authorized(String)}) is the HTTP layer's to ask.
 */
public final class FleetActions implements AutoCloseable {

    static final List<String> ACTIONS = List.of("quiet", "resume", "terminate", "rolling-restart");
    private static final Logger LOG = LoggerFactory.getLogger(FleetActions.class);
    private static final int LOG_LINES = 50;

    /** What an action did: an HTTP status and a message for the person who asked. */
    record Outcome(int status, String message) {
    }

    /** What the page shows of the actions: whether they are on, need the secret, a rolling restart runs; the log. */
    record State(boolean enabled, boolean secretRequired, boolean rollingRestartRunning, List<LogLine> log) {
    }

    /** One line of the actions' log, newest first. */
    record LogLine(String ts, String text) {
    }

    private final boolean enabled;
    private final byte[] secret;
    private final Fleet fleet;
    private final ControlClient control;
    private final FleetCollector collector;
    private final Duration rollingWait;
    private final Deque<LogLine> log = new ArrayDeque<>();
    private final AtomicBoolean rolling = new AtomicBoolean();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dashboard-rolling-restart");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param enabled     whether actions may run at all ({@code --allow-actions})
     * @param secret      the workers' control secret, which a request must also present; {@code null} for none
     * @param rollingWait how long each batch of a rolling restart may take to come back
     */
    public FleetActions(boolean enabled, String secret, Fleet fleet, ControlClient control, FleetCollector collector,
                        Duration rollingWait) {
        this.enabled = enabled;
        this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.fleet = fleet;
        this.control = control;
        this.collector = collector;
        this.rollingWait = rollingWait;
    }

    boolean enabled() {
        return enabled;
    }

    boolean secretRequired() {
        return secret != null;
    }

    /** True when no secret is set, or the one presented matches it (compared in constant time). */
    boolean authorized(String presented) {
        return secret == null
               || presented != null && MessageDigest.isEqual(secret, presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    State state() {
        synchronized (log) {
            return new State(enabled, secret != null, rolling.get(), List.copyOf(log));
        }
    }

    /**
     * Runs an action on one worker ({@code worker} its id) or on all ({@code worker} null). A rolling restart
     * (all only) starts in the background and answers 202 at once.
     */
    Outcome run(String action, String worker, int batch) {
        if (!ACTIONS.contains(action)) {
            return new Outcome(400, "unknown action '" + action + "'; known: " + String.join(", ", ACTIONS));
        }
        Fleet.Selection selection;
        try {
            selection = fleet.select(worker == null ? null : List.of(worker));
        } catch (IOException e) {
            return new Outcome(502, "cannot list the workers: " + e.getMessage());
        }
        if (!selection.missing().isEmpty()) {
            return new Outcome(404, "no worker '" + worker + "' with a control function on " + fleet.servers());
        }
        List<Worker> targets = selection.found();
        if (action.equals("rolling-restart")) {
            return worker != null ? new Outcome(400, "a rolling restart is for all workers; give no worker")
                                  : rollingRestart(targets, batch);
        }
        List<String> failed = control.broadcast(targets, action).stream()
                .filter(r -> !r.ok())
                .map(r -> r.worker().id() + " (" + r.error().getMessage() + ")")
                .toList();
        collector.refresh(); // the page's next poll shows the effect
        String who = worker != null ? worker : "all " + targets.size() + " workers";
        String message = action + " " + who + (failed.isEmpty() ? ": done" : ": failed for " + String.join(", ",
                failed));
        record(message);
        return new Outcome(failed.isEmpty() ? 200 : 502, message);
    }

    private Outcome rollingRestart(List<Worker> targets, int batch) {
        if (batch < 1) {
            return new Outcome(400, "batch must be at least 1, was " + batch);
        }
        if (targets.isEmpty()) {
            return new Outcome(404, "no worker with a control function on " + fleet.servers());
        }
        if (!rolling.compareAndSet(false, true)) {
            return new Outcome(409, "a rolling restart is already running");
        }
        String message = "rolling restart of " + targets.size() + " workers, " + batch + " at a time";
        record(message + ": started");
        background.execute(() -> {
            try (PrintStream lines = new PrintStream(new LineSplitter(this::record), true, StandardCharsets.UTF_8)) {
                RollingRestart.Result r = new RollingRestart(fleet, control, batch, rollingWait, lines, lines)
                        .run(targets);
                record("rolling restart " + (r.allBack() ? "done: every worker is back" : "stopped"));
            } catch (IOException | RuntimeException e) {
                record("rolling restart failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                rolling.set(false);
            }
        });
        return new Outcome(202, message + ": started");
    }

    private void record(String line) {
        LOG.info("Action: {}", line);
        synchronized (log) {
            log.addFirst(new LogLine(Instant.now().toString(), line));
            while (log.size() > LOG_LINES) {
                log.removeLast();
            }
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** An output stream that hands each complete line to a consumer (the rolling restart's output to the log). */
    private static final class LineSplitter extends OutputStream {
        private final Consumer<String> lines;
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        LineSplitter(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.accept(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write(b);
            }
        }
    }
}
