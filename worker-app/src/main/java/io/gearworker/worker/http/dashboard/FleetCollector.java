package io.gearworker.worker.http.dashboard;

import io.gearworker.worker.cli.ControlClient;
import io.gearworker.worker.cli.WorkersCommand;
import io.gearworker.worker.report.EventLogTail;
import io.gearworker.worker.report.EventReport;
import io.gearworker.worker.report.JobTimeline;
import io.gearworker.worker.runtime.WorkerControl;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Looks at the fleet: gearmand's admin {@code status} and {@code workers} on every server, each worker's control
 * {@code status} (asked of all at once; a worker that has no control function or does not answer is still listed,
 * from {@code workers}), and the event logs when given. Each {@link #refresh()} replaces the latest snapshot.
 */
public final class FleetCollector {

    public static final Duration THROUGHPUT_WINDOW = Duration.ofMinutes(5);
    static final Duration THROUGHPUT_BUCKET = Duration.ofSeconds(10);
    private static final int RECENT_EXITS = 10;
    private static final Set<String> FROM_GEARMAND = Set.of("id", "servers", "functions");

    private final List<ServerAddress> servers;
    private final AdminClient admin;
    private final ControlClient control;
    private final List<Path> logs;
    private final EventLogTail tail;
    private final Duration statusTimeout;
    private final Duration logWindow;
    private volatile FleetSnapshot latest;

    /**
     * @param logs          event logs to follow; empty for none
     * @param logWindow     how far back the event figures look: older events are forgotten, so memory stays
     *                      bounded by the events of this window
     * @param statusTimeout how long a refresh waits for the workers' {@code status} answers
     */
    public FleetCollector(List<ServerAddress> servers, AdminClient admin, ControlClient control, List<Path> logs,
                          Duration logWindow, Duration statusTimeout) {
        this.servers = List.copyOf(servers);
        this.admin = admin;
        this.control = control;
        this.logs = List.copyOf(logs);
        this.tail = logs.isEmpty() ? null : new EventLogTail(logs);
        this.logWindow = logWindow;
        this.statusTimeout = statusTimeout;
    }

    /** The latest snapshot; the first call looks at the fleet. */
    public FleetSnapshot latest() {
        FleetSnapshot s = latest;
        return s != null ? s : refresh();
    }

    /** Looks at the fleet now and keeps what it saw as the latest snapshot. */
    public synchronized FleetSnapshot refresh() {
        Instant now = Instant.now();
        List<FleetSnapshot.Server> serverStates = new ArrayList<>();
        List<FleetSnapshot.FunctionQueue> functions = new ArrayList<>();
        Map<String, Seen> seen = new LinkedHashMap<>();
        for (ServerAddress server : servers) {
            try {
                List<AdminClient.WorkerLine> lines = admin.workers(server);
                Map<String, Set<String>> workersOf = new LinkedHashMap<>();
                for (AdminClient.WorkerLine line : lines) {
                    boolean anonymous = "-".equals(line.clientId());
                    for (String f : line.functions()) {
                        workersOf.computeIfAbsent(f, k -> new LinkedHashSet<>())
                                .add(anonymous ? "-#" + line.fd() : line.clientId());
                    }
                    if (!anonymous && !line.functions().isEmpty()) {
                        Seen w = seen.computeIfAbsent(line.clientId(), Seen::new);
                        w.servers.add(server.toString());
                        w.hosts.add(line.ip());
                        w.functions.addAll(line.functions());
                    }
                }
                for (AdminClient.FunctionStatus s : admin.status(server)) {
                    if (!s.function().startsWith(WorkerControl.FUNCTION_PREFIX)) {
                        functions.add(new FleetSnapshot.FunctionQueue(s.function(), server.toString(),
                                Math.max(0, s.total() - s.running()), s.running(),
                                workersOf.getOrDefault(s.function(), Set.of()).size(), s.availableWorkers()));
                    }
                }
                serverStates.add(new FleetSnapshot.Server(server.toString(), true, null));
            } catch (IOException e) {
                serverStates.add(new FleetSnapshot.Server(server.toString(), false, e.getMessage()));
            }
        }
        Map<String, String> statuses = statuses(seen.values());
        List<Map<String, Object>> workers = new ArrayList<>();
        for (Seen w : seen.values()) {
            workers.add(worker(w, statuses.get(w.id)));
        }
        FleetSnapshot snapshot = new FleetSnapshot(now, serverStates, functions, workers, events());
        latest = snapshot;
        return snapshot;
    }

    /** The workers' answers to {@code status} by id; an answer starting with {@code !} is the error instead. */
    private Map<String, String> statuses(Iterable<Seen> workers) {
        Map<String, String> answers = new ConcurrentHashMap<>();
        try {
            Flux.fromIterable(workers)
                    .filter(Seen::hasControlFunction)
                    .flatMap(w -> control.send(w.asWorker(), "status")
                            .timeout(statusTimeout)
                            .doOnNext(answer -> answers.put(w.id, answer))
                            .onErrorResume(e -> {
                                answers.put(w.id, "!" + e.getMessage());
                                return Mono.empty();
                            }))
                    .then()
                    .block(statusTimeout.plusSeconds(1));
        } catch (RuntimeException e) {
            // the answers so far are kept; the others show as "no answer to status"
        }
        return answers;
    }

    private static Map<String, Object> worker(Seen w, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id);
        m.put("host", String.join(",", w.hosts));
        m.put("pid", null);
        m.put("state", "unknown");
        m.put("servers", List.copyOf(w.servers));
        m.put("functions", w.functions.stream().filter(f -> !f.startsWith(WorkerControl.FUNCTION_PREFIX)).toList());
        m.put("control", w.hasControlFunction());
        String error = null;
        if (!w.hasControlFunction()) {
            error = "no control function";
        } else if (status == null) {
            error = "no answer to status";
        } else if (status.startsWith("!")) {
            error = "status failed: " + status.substring(1);
        } else {
            try {
                if (!status.startsWith("{")) {
                    throw new IOException("not a JSON object");
                }
                if (Json.read(status) instanceof Map<?, ?> fields) {
                    fields.forEach((k, v) -> {
                        String key = String.valueOf(k);
                        if (!FROM_GEARMAND.contains(key)) {
                            m.put(key, v);
                        } else if (key.equals("servers")) {
                            m.put("configured_servers", v);
                        }
                    });
                } else {
                    error = "status is not a JSON object";
                }
            } catch (IOException e) {
                // e.g. the seed's PHP workers, whose control function answers every command with "ok"
                error = "answers 'status' with '" + abbreviate(status) + "', not a status";
            }
        }
        m.put("status_error", error);
        return m;
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= 40 ? line : line.substring(0, 40) + "…";
    }

    private Map<String, Object> events() {
        if (tail == null) {
            return null;
        }
        tail.poll(false);
        Instant now = Instant.now(); // after the read: every event read is older, so the newest bucket holds it
        tail.forgetBefore(now.minus(logWindow));
        EventReport.Summary s = EventReport.summarize(tail.events(), tail.garbledLines(), now);
        JobTimeline.Timeline t = JobTimeline.of(tail, now, THROUGHPUT_WINDOW, THROUGHPUT_BUCKET, RECENT_EXITS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("logs", logs.stream().map(Path::toString).toList());
        m.put("window_s", logWindow.toSeconds());
        m.put("started", s.started());
        m.put("ended", s.ended());
        m.put("failed", s.failed());
        m.put("in_flight", s.inFlight());
        m.put("handed_back", s.handedBack());
        m.put("run_twice", s.runTwice());
        m.put("lost", s.lost());
        m.put("job_load", BigDecimal.valueOf(s.jobLoad()).setScale(2, RoundingMode.HALF_UP).doubleValue());
        m.put("worker_exits", s.workerExits());
        m.put("workers_running", s.workersRunning());
        m.put("exits_by_reason", new LinkedHashMap<>(s.exitReasons()));
        m.put("garbled_lines", s.garbledLines());
        List<Double> rates = new ArrayList<>();
        double seconds = t.bucket().toMillis() / 1000.0;
        for (long n : t.finished()) {
            rates.add(Math.round(n / seconds * 10) / 10.0);
        }
        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("bucket_s", t.bucket().toSeconds());
        throughput.put("jobs_per_s", rates);
        m.put("throughput", throughput);
        List<Map<String, Object>> exits = new ArrayList<>();
        for (JobTimeline.Exit e : t.recentExits()) {
            Map<String, Object> exit = new LinkedHashMap<>();
            exit.put("ts", e.ts().toString());
            exit.put("worker", e.worker());
            exit.put("reason", e.reason());
            exits.add(exit);
        }
        m.put("recent_exits", exits);
        return m;
    }

    /** A worker as gearmand's {@code workers} lists it, over all servers. */
    private static final class Seen {
        final String id;
        final Set<String> servers = new LinkedHashSet<>();
        final Set<String> hosts = new TreeSet<>();
        final Set<String> functions = new TreeSet<>();

        Seen(String id) {
            this.id = id;
        }

        boolean hasControlFunction() {
            return functions.contains(WorkerControl.functionFor(id));
        }

        WorkersCommand.Worker asWorker() {
            return new WorkersCommand.Worker(id, servers, functions, Set.of());
        }
    }
}
