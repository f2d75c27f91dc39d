package io.gearworker.worker;

import io.gearworker.worker.runtime.EventType;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gearworker.worker.runtime.EventType.READY;

/**
 * A fleet of packaged workers run by a real supervisord with the repository's {@code setup/supervisord.conf}
 * ({@code autorestart=true}: a worker that exits is started again under the same id {@code worker-NN}). The event
 * logs go to {@code target/supervised-fleet/<run>/logs/worker-NN.events.log} and stay there for diagnosis.
 * {@link #close()} stops supervisord (its workers get SIGTERM and drain) and kills any worker that outlived it.
 */
final class SupervisedFleet implements AutoCloseable {

    private static final int STOP_WAIT_SECS = 15;

    private final int size;
    private final Path logDir;
    private final Path runDir;
    private final Process supervisord;

    private SupervisedFleet(int size, Path logDir, Path runDir, Process supervisord) {
        this.size = size;
        this.logDir = logDir;
        this.runDir = runDir;
        this.supervisord = supervisord;
    }

    /** Starts supervisord with {@code size} workers for the servers, each run with {@code workerArgs}. */
    static SupervisedFleet start(String servers, int size, String workerArgs) {
        Path conf = Path.of(System.getProperty("supervisord.conf", "../setup/supervisord.conf")).toAbsolutePath();
        if (!Files.isRegularFile(conf)) {
            throw new IllegalStateException("supervisord config " + conf + " not found (-Dsupervisord.conf=…)");
        }
        try {
            Path base = Files.createDirectories(Path.of("target", "supervised-fleet"));
            Path logDir = Files.createDirectories(Files.createTempDirectory(base, "fleet").resolve("logs"));
            // the control socket's path must stay short (unix sockets: 108 bytes)
            Path runDir = Files.createTempDirectory("fleet-run");
            String command = String.join(" ", WorkerCli.command(WorkerCli.DEFAULT_JVM_OPTIONS, List.of("run")));
            ProcessBuilder pb = new ProcessBuilder("supervisord", "-n", "-c", conf.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(logDir.resolveSibling("supervisord.out").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("GEARMAN_"));
            pb.environment().put("RUN_DIR", runDir.toString());
            pb.environment().put("LOG_DIR", logDir.toAbsolutePath().toString());
            pb.environment().put("WORKER_COMMAND", command);
            pb.environment().put("GEARMAN_SERVERS", servers);
            pb.environment().put("WORKERS", Integer.toString(size));
            pb.environment().put("STOP_WAIT_SECS", Integer.toString(STOP_WAIT_SECS));
            pb.environment().put("WORKER_ARGS", workerArgs);
            return new SupervisedFleet(size, logDir, runDir, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start supervisord", e);
        }
    }

    /** The worker ids supervisord gives its processes: {@code worker-00}, {@code worker-01}, … */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ids.add(String.format("worker-%02d", i));
        }
        return ids;
    }

    Path eventLog(String id) {
        return logDir.resolve(id + ".events.log");
    }

    /** The events worker {@code id} wrote so far, over all its processes (lines not yet complete are left out). */
    List<WorkerEvent> events(String id) {
        Path log = eventLog(id);
        if (!Files.exists(log)) {
            return List.of();
        }
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : text.substring(0, end).lines().filter(l -> !l.isBlank())
                    .map(WorkerEvent::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<WorkerEvent> events(String id, EventType event) {
        return events(id).stream().filter(e -> e.is(event)).toList();
    }

    boolean isRunning() {
        return supervisord.isAlive();
    }

    /** Where supervisord's and the workers' logs are, for a failing assertion. */
    String diagnostics() {
        return "supervised fleet logs: " + logDir.toAbsolutePath() + " (supervisord: " + runDir + ")";
    }

    @Override
    public void close() {
        supervisord.destroy(); // SIGTERM: supervisord stops every worker (SIGTERM, drain) and exits
        try {
            if (!supervisord.waitFor(STOP_WAIT_SECS + 10, TimeUnit.SECONDS)) {
                supervisord.destroyForcibly();
                supervisord.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String id : ids()) {
            for (WorkerEvent ready : events(id, READY)) {
                ProcessHandle.of((Long) ready.field("pid"))
                        .filter(p -> p.info().commandLine().orElse("").contains("gearman-worker.jar"))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
