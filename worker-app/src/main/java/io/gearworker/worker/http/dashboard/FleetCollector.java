package io.gearworker.worker.http.dashboard;

import io.gearworker.worker.fleet.ControlClient;
import io.gearworker.worker.fleet.ControlFunction;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.fleet.Worker;
import io.gearworker.worker.fleet.WorkerStatus;
import io.gearworker.worker.report.EventLogTail;
import io.gearworker.worker.report.EventReport;
import io.gearworker.worker.report.JobTimeline;

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

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * Looks at the fleet: gearmand's admin {@code status} and {@code workers} on every server, each worker's control
 * {@code status} (asked of all at once; a worker that has no control function or does not answer is still listed,
 * from {@code workers}), and the event logs when given. Each {@link #refresh()} replaces the latest snapshot.
 */
public final class FleetCollector {

    public static final Duration THROUGHPUT_WINDOW = Duration.ofMinutes(5);
    static final Duration THROUGHPUT_BUCKET = Duration.ofSeconds(10);
    private static final int RECENT_EXITS = 10;

    private final Fleet fleet;
    private final ControlClient control;
    private final List<Path> logs;
    private final EventLogTail tail;
    private final Duration logWindow;
    private volatile FleetSnapshot latest;

    /**
     * @param logs          event logs to follow; empty for none
     * @param logWindow     how far back the event figures look: older events are forgotten, so memory stays
     *                      bounded by the events of this window
     * @param control       asks the workers' {@code status}; its timeout is how long a refresh waits for them
     */
    public FleetCollector(Fleet fleet, ControlClient control, List<Path> logs, Duration logWindow) {
        this.fleet = fleet;
        this.control = control;
        this.logs = List.copyOf(logs);
        this.tail = logs.isEmpty() ? null : new EventLogTail(logs);
        this.logWindow = logWindow;
    }

    /** Lines of gearmand's admin replies that did not fit their format, since the dashboard started. */
    long adminAnomalies() {
        return fleet.admin().anomalies();
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
        Map<String, Worker> seen = new LinkedHashMap<>();
        AdminClient admin = fleet.admin();
        for (ServerAddress server : fleet.servers()) {
            try {
                List<AdminClient.WorkerLine> lines = admin.workers(server);
                Map<String, Set<String>> workersOf = new LinkedHashMap<>();
                for (AdminClient.WorkerLine line : lines) {
                    for (String f : line.functions()) {
                        workersOf.computeIfAbsent(f, k -> new LinkedHashSet<>())
                                .add(Fleet.isAnonymous(line) ? "-#" + line.fd() : line.clientId());
                    }
                }
                Fleet.add(seen, server, lines);
                for (AdminClient.FunctionStatus s : admin.status(server)) {
                    if (!ControlFunction.isControl(s.function())) {
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
        Map<String, ControlClient.Reply> statuses = new LinkedHashMap<>();
        List<Worker> controllable = seen.values().stream().filter(Worker::hasControlFunction).toList();
        control.broadcast(controllable, "status").forEach(r -> statuses.put(r.worker().id(), r));
        List<WorkerView> workers = new ArrayList<>();
        for (Worker w : seen.values()) {
            workers.add(worker(w, statuses.get(w.id())));
        }
        FleetSnapshot snapshot = new FleetSnapshot(now, serverStates, functions, workers, events());
        latest = snapshot;
        return snapshot;
    }

    private static WorkerView worker(Worker w, ControlClient.Reply status) {
        String host = String.join(",", w.hosts());
        List<String> servers = List.copyOf(w.servers());
        List<String> functions = List.copyOf(w.jobFunctions());
        String error;
        if (!w.hasControlFunction()) {
            error = "no control function";
        } else if (status == null) {
            error = "no answer to status";
        } else if (!status.ok()) {
            error = "status failed: " + status.error().getMessage();
        } else {
            try {
                return WorkerView.withStatus(w.id(), host, servers, functions, WorkerStatus.parse(status.answer()));
            } catch (IOException e) {
                // e.g. the seed's PHP workers, whose control function answers every command with "ok"; the text
                // itself stays out: whoever registered the function may have echoed what it was sent
                error = "answers 'status' with something that is not a status";
            }
        }
        return WorkerView.withoutStatus(w.id(), host, servers, functions, w.hasControlFunction(), error);
    }

    private EventFigures events() {
        if (tail == null) {
            return null;
        }
        tail.poll(false);
        Instant now = Instant.now(); // after the read: every event read is older, so the newest bucket holds it
        tail.forgetBefore(now.minus(logWindow));
        EventReport.Summary s = EventReport.summarize(tail.events(), tail.garbledLines(), now);
        JobTimeline.Timeline t = JobTimeline.of(tail, now, THROUGHPUT_WINDOW, THROUGHPUT_BUCKET, RECENT_EXITS);
        List<Double> rates = new ArrayList<>();
        double seconds = t.bucket().toMillis() / 1000.0;
        for (long n : t.finished()) {
            rates.add(Math.round(n / seconds * 10) / 10.0);
        }
        List<EventFigures.Exit> exits = t.recentExits().stream()
                .map(e -> new EventFigures.Exit(e.ts().toString(), e.worker(), e.reason()))
                .toList();
        return new EventFigures(logs.stream().map(Path::toString).toList(), logWindow.toSeconds(), s.started(),
                s.ended(), s.failed(), s.inFlight(), s.handedBack(), s.runTwice(), s.lost(),
                BigDecimal.valueOf(s.jobLoad()).setScale(2, RoundingMode.HALF_UP).doubleValue(), s.workerExits(),
                s.workersRunning(), new LinkedHashMap<>(s.exitReasons()), s.garbledLines(),
                new EventFigures.Throughput(t.bucket().toSeconds(), rates), exits);
    }
}
