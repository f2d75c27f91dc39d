package io.gearworker.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gearworker.camel.gearman.test.ExternalProcess;

/**
 * The packaged worker jar run as a command, {@code java [jvm options] -jar gearman-worker.jar ARGS}: for the
 * short-lived commands ({@code submit}, {@code workers}, usage errors) through {@link ExternalProcess}, whose
 * waits are all bounded. Long-lived workers use {@link WorkerProcessHandle}.
 * <p>
 * The jar is the one failsafe names in the system property {@code worker.jar} (it runs after {@code package}).
 */
public final class WorkerCli {

    /**
     * JVM options for the test's child JVMs: quicker start-up and less CPU on a small machine. They change how fast
     * the JVM compiles and collects, not what the worker does.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto");

    private WorkerCli() {
    }

    /** Runs {@code java -jar gearman-worker.jar ARGS} to its end, or kills it at the limit. */
    public static ExternalProcess.Result run(Duration limit, String... args) {
        return ExternalProcess.run(limit, command(DEFAULT_JVM_OPTIONS, List.of(args)).toArray(String[]::new));
    }

    /** Starts {@code java -jar gearman-worker.jar ARGS} (e.g. a client that waits for its job); close it after use. */
    public static ExternalProcess start(String... args) {
        return ExternalProcess.start(command(DEFAULT_JVM_OPTIONS, List.of(args)).toArray(String[]::new));
    }

    /** The full command line: this JVM's java, the options, {@code -jar}, the worker jar, the arguments. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(args);
        return cmd;
    }

    /** The packaged worker jar; fails with a hint when the build did not make it. */
    public static Path jar() {
        String configured = System.getProperty("worker.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", "gearman-worker.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("worker jar " + jar.toAbsolutePath() + " not found: run the ITs with"
                                            + " 'mvn verify' (failsafe runs after package and sets -Dworker.jar)");
        }
        return jar.toAbsolutePath();
    }
}
