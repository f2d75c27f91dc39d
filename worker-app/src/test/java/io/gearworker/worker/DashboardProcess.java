package io.gearworker.worker;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar gearman-worker.jar dashboard --port 0 ARGS} as a process: waits for the line naming its URL and
 * kills it on {@link #close()}. Its stdout and stderr stay in {@code target/dashboard-processes/}.
 */
public final class DashboardProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("^dashboard: (http://\\S+/)", Pattern.MULTILINE);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final URI url;

    private DashboardProcess(Process process, Path stdout, Path stderr, URI url) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.url = url;
    }

    public static DashboardProcess start(String... args) {
        List<String> all = new ArrayList<>(List.of("dashboard", "--port", "0"));
        all.addAll(List.of(args));
        List<String> command = WorkerCli.command(WorkerCli.DEFAULT_JVM_OPTIONS, all);
        Process process;
        Path out;
        Path err;
        try {
            Path dir = Files.createDirectories(Path.of("target", "dashboard-processes"));
            out = Files.createTempFile(dir, "dashboard", ".out");
            err = Files.createTempFile(dir, "dashboard", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("GEARMAN_"));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> urlIn(out).isPresent() || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("dashboard did not print its URL within 60 s: " + read(err), e);
        }
        Optional<String> url = urlIn(out);
        if (url.isEmpty()) {
            throw new AssertionError("dashboard exited (" + process.exitValue() + "): " + read(out) + read(err));
        }
        return new DashboardProcess(process, out, err, URI.create(url.get()));
    }

    private static Optional<String> urlIn(Path out) {
        Matcher m = URL.matcher(read(out));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's URL, {@code http://127.0.0.1:PORT/}. */
    public URI url() {
        return url;
    }

    public URI url(String path) {
        return url.resolve(path);
    }

    /** What the dashboard logged (stderr). */
    public String stderr() {
        return read(stderr);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "dashboard " + url + " (stdout " + stdout + ", stderr " + stderr + ")";
    }
}
