package io.gearworker.camel.gearman.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A non-Java peer (gearman CLI, gearadmin, php) run as a child process, with its output in temporary files (no pipe
 * can fill up and block it) and a hard time limit on every wait, so a peer that hangs fails the test instead of
 * hanging it. Always {@link #close()} it: a process still running then is killed.
 */
public final class ExternalProcess implements AutoCloseable {

    /** How a finished (or abandoned) process ended. {@code exitCode} is -1 when it was still running at the limit. */
    public record Result(List<String> command, boolean timedOut, int exitCode, String stdout, String stderr,
            long elapsedMillis) {

        @Override
        public String toString() {
            return command + (timedOut ? " TIMED OUT" : " exit " + exitCode) + " after " + elapsedMillis
                   + " ms\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startNanos = System.nanoTime();

    private ExternalProcess(List<String> command, Process process, Path stdout, Path stderr) {
        this.command = command;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts the command with stdin from /dev/null. */
    public static ExternalProcess start(String... command) {
        try {
            Path out = Files.createTempFile("peer", ".out");
            Path err = Files.createTempFile("peer", ".err");
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            return new ExternalProcess(List.of(command), p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + List.of(command), e);
        }
    }

    /** Runs the command to its end, or kills it at the limit (then {@link Result#timedOut()} is true). */
    public static Result run(Duration limit, String... command) {
        try (ExternalProcess p = start(command)) {
            return p.await(limit);
        }
    }

    /** Waits up to the limit for the process to end; kills it when it did not. */
    public Result await(Duration limit) {
        boolean ended;
        try {
            ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (!ended) {
            kill();
        }
        return new Result(command, !ended, ended ? process.exitValue() : -1, read(stdout), read(stderr), elapsed);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // temporary files; nothing else to do
        }
    }
}
