package io.gearworker.worker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.worker.runtime.EventType;
import org.awaitility.core.ConditionTimeoutException;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.awaitility.Awaitility.await;

/**
 * A worker run as a real OS process, {@code java -jar gearman-worker.jar run --servers … --worker-id … ARGS}, the
 * way supervisord runs it. Its stdout (the JSON-lines event log) and stderr (all other logging) go to files under
 * {@code target/worker-processes/}, which stay there for diagnosis; the event log is parsed into
 * {@link WorkerEvent}s as it grows.
 * <p>
 * Every wait is bounded and fails with the worker's recent events and stderr; a wait for an event fails at once
 * when the worker exited without writing it. {@link #close()} kills a worker still running (SIGKILL), so use it in
 * try-with-resources and no test leaves a java process behind.
 *
 * <pre>{@code
 * try (WorkerProcessHandle worker = WorkerProcessHandle.builder(gearmand.servers())
 *         .args("--shutdown-timeout", "1s").start()) {
 *     worker.awaitEvent(READY, Duration.ofSeconds(30));
 *     worker.signal("TERM");
 *     assertThat(worker.awaitExit(Duration.ofSeconds(10))).isZero();
 * }
 * }</pre>
 */
public final class WorkerProcessHandle implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(20);
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final String workerId;
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startNanos;

    // the event log read so far: parsed events, lines that are not events, bytes consumed, an unfinished line
    private final List<WorkerEvent> events = new ArrayList<>();
    private final List<String> noise = new ArrayList<>();
    private long stdoutOffset;
    private byte[] partialLine = new byte[0];

    private WorkerProcessHandle(String workerId, List<String> command, Process process, Path stdout, Path stderr,
            long startNanos) {
        this.workerId = workerId;
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.startNanos = startNanos;
    }

    /** A worker for these gearmand servers ({@code host:port[,…]}), with a worker id unique to this run. */
    public static Builder builder(String servers) {
        return new Builder(servers);
    }

    /** An id no other worker of this test run (nor of an earlier run against the same gearmand) has. */
    public static String uniqueWorkerId(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /** How to start a worker: the {@code run} command's options, environment, working directory, JVM options. */
    public static final class Builder {

        private final String servers;
        private String workerId = uniqueWorkerId("it-worker");
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workingDirectory;
        private List<String> jvmOptions = WorkerCli.DEFAULT_JVM_OPTIONS;
        private Path logDirectory = Path.of("target", "worker-processes");
        private Path program;

        private Builder(String servers) {
            this.servers = servers;
        }

        /** {@code --worker-id}; {@code null} leaves it out, so the worker uses its default {@code <host>-<pid>}. */
        public Builder workerId(String id) {
            this.workerId = id;
            return this;
        }

        /** More arguments for {@code run}, after {@code --servers} and {@code --worker-id}. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /**
         * An environment variable of the worker. Variables named {@code GEARMAN_*} of the test JVM are not
         * inherited, so the test's environment cannot change a worker's options unnoticed.
         */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** The worker's working directory (where it looks for {@code application.properties}); default: ours. */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** JVM options instead of {@link WorkerCli#DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /**
         * Runs {@code PROGRAM run …} (the distribution's {@code bin/gearman-worker}) instead of
         * {@code java -jar gearman-worker.jar run …}; JVM options then come from the program (and JAVA_OPTS).
         */
        public Builder program(Path launcher) {
            this.program = launcher;
            return this;
        }

        /** Where the stdout/stderr files go; default {@code target/worker-processes}. */
        public Builder logDirectory(Path dir) {
            this.logDirectory = dir;
            return this;
        }

        /** Starts the process (stdin from /dev/null) and returns at once; await {@code ready} to know it serves. */
        public WorkerProcessHandle start() {
            List<String> runArgs = new ArrayList<>(List.of("run", "--servers", servers));
            if (workerId != null) {
                runArgs.add("--worker-id");
                runArgs.add(workerId);
            }
            runArgs.addAll(args);
            List<String> command = new ArrayList<>();
            if (program != null) {
                command.add(program.toString());
                command.addAll(runArgs);
            } else {
                command.addAll(WorkerCli.command(jvmOptions, runArgs));
            }
            try {
                Files.createDirectories(logDirectory);
                String name = (workerId != null ? workerId : "worker") + "-" + STARTED.incrementAndGet();
                Path out = logDirectory.resolve(name + ".events.jsonl");
                Path err = logDirectory.resolve(name + ".stderr.log");
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                if (workingDirectory != null) {
                    pb.directory(workingDirectory.toFile());
                }
                pb.environment().keySet().removeIf(k -> k.startsWith("GEARMAN_"));
                pb.environment().putAll(env);
                long t0 = System.nanoTime();
                return new WorkerProcessHandle(workerId, command, pb.start(), out, err, t0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start worker " + command, e);
            }
        }
    }

    /** The {@code --worker-id} given, or {@code null} when the worker chose its own. */
    public String workerId() {
        return workerId;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file the worker's stdout (its event log) goes to. */
    public Path eventLog() {
        return stdout;
    }

    /** Milliseconds since the process was started. */
    public long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The events the worker has written so far, in order. */
    public synchronized List<WorkerEvent> events() {
        readNewLines();
        return List.copyOf(events);
    }

    /** The events so far of this type. */
    public List<WorkerEvent> events(EventType event) {
        return events().stream().filter(e -> e.is(event)).toList();
    }

    /**
     * Lines on stdout that are not events of the contract (stdout must carry only the event log). Empty for a
     * well-behaved worker.
     */
    public synchronized List<String> stdoutNoise() {
        readNewLines();
        return List.copyOf(noise);
    }

    /** The first event with this name, waiting up to the limit for it. */
    public WorkerEvent awaitEvent(EventType event, Duration limit) {
        return awaitMatching("event '" + event + "'", e -> e.is(event), limit);
    }

    /** The first event with this name that also matches, e.g. {@code e -> handle.equals(e.handle())}. */
    public WorkerEvent awaitEvent(EventType event, Predicate<WorkerEvent> matching, Duration limit) {
        return awaitMatching("matching event '" + event + "'", e -> e.is(event) && matching.test(e), limit);
    }

    /** The first event that matches, waiting up to the limit; fails early when the worker exits without it. */
    public WorkerEvent awaitMatching(String description, Predicate<WorkerEvent> matching, Duration limit) {
        try {
            await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> find(matching).isPresent() || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + description + " within " + limit + "\n" + diagnostics(), e);
        }
        return find(matching).orElseThrow(() -> new AssertionError(
                "worker exited (code " + process.exitValue() + ") without " + description + "\n" + diagnostics()));
    }

    /** Waits until at least {@code count} events with this name were written; returns them all. */
    public List<WorkerEvent> awaitEvents(EventType event, int count, Duration limit) {
        try {
            await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> events(event).size() >= count || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("fewer than " + count + " '" + event + "' events within " + limit + "\n"
                                     + diagnostics(), e);
        }
        List<WorkerEvent> found = events(event);
        if (found.size() < count) {
            throw new AssertionError("worker exited with " + found.size() + " of " + count + " '" + event
                                     + "' events\n" + diagnostics());
        }
        return found;
    }

    /** Everything the worker wrote to stderr so far (its logging). */
    public String stderr() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until stderr contains the text, e.g. a log line; fails early when the worker exits without it. */
    public void awaitStderr(String text, Duration limit) {
        try {
            await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> stderr().contains(text) || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("stderr did not show '" + text + "' within " + limit + "\n" + diagnostics(), e);
        }
        if (!stderr().contains(text)) {
            throw new AssertionError("worker exited without logging '" + text + "'\n" + diagnostics());
        }
    }

    /** Sends a signal with {@code kill -s SIG pid}: {@code TERM}, {@code INT}, {@code KILL}, … */
    public void signal(String signal) {
        ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(5), "kill", "-s", signal,
                Long.toString(process.pid()));
        if (r.timedOut() || r.exitCode() != 0) {
            throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed: " + r);
        }
    }

    /** Completes (with this handle) when the process has ended, however it ended; what a supervisor watches. */
    public CompletableFuture<WorkerProcessHandle> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    /** Waits up to the limit for the process to end and returns its exit code; fails when it is still running. */
    public int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("worker still running after " + limit + "\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the worker to exit", e);
        }
        return process.exitValue();
    }

    /** The worker's state, last events and stderr tail: what a failing assertion should show. */
    public String diagnostics() {
        List<WorkerEvent> all = events();
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        return "worker " + workerId + " (pid " + process.pid() + ", " + state + ", " + uptimeMillis() + " ms)\n"
               + "command: " + String.join(" ", command) + "\n"
               + "last events:\n  " + String.join("\n  ",
                       all.subList(Math.max(0, all.size() - 15), all.size()).stream().map(WorkerEvent::line).toList())
               + (stdoutNoise().isEmpty() ? "" : "\nstdout noise: " + stdoutNoise())
               + "\nstderr (" + stderr + ") tail:\n" + tail(stderr(), 40);
    }

    private synchronized Optional<WorkerEvent> find(Predicate<WorkerEvent> matching) {
        readNewLines();
        return events.stream().filter(matching).findFirst();
    }

    /** Reads what the worker appended since the last call; a line counts only once its newline is written. */
    private synchronized void readNewLines() {
        byte[] fresh;
        try (SeekableByteChannel ch = Files.newByteChannel(stdout)) {
            long size = ch.size();
            if (size <= stdoutOffset) {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - stdoutOffset));
            ch.position(stdoutOffset);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read all that is there
            }
            fresh = new byte[buf.position()];
            buf.flip().get(fresh);
            stdoutOffset += fresh.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] data = new byte[partialLine.length + fresh.length];
        System.arraycopy(partialLine, 0, data, 0, partialLine.length);
        System.arraycopy(fresh, 0, data, partialLine.length, fresh.length);
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                String line = new String(data, start, i - start, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    try {
                        events.add(WorkerEvent.parse(line));
                    } catch (IllegalArgumentException e) {
                        noise.add(line);
                    }
                }
                start = i + 1;
            }
        }
        partialLine = Arrays.copyOfRange(data, start, data.length);
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    /** Kills the worker if it still runs (SIGKILL) and waits for it to be gone; the log files stay. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("worker " + process.pid() + " survived SIGKILL for 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "worker " + workerId + " (pid " + process.pid() + ")";
    }
}
