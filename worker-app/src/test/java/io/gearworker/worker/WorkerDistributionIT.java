package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution, {@code gearman-worker-<version>.tar.gz}, unpacked into an empty directory: its launcher
 * {@code bin/gearman-worker} runs a worker that serves jobs, is the worker process itself (it execs java), and makes
 * its class-data archive on the first start. A damaged or mismatched archive only costs start-up time.
 */
class WorkerDistributionIT {

    // a first start includes the training run that records the archive: two JVM starts on a loaded machine
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @TempDir
    static Path unpacked;

    static Path home;

    @BeforeAll
    static void unpackTheDistribution() throws IOException {
        home = unpack(unpacked.resolve("install"));
    }

    @Test
    void theLauncherRunsAWorkerThatServesJobsAndRecordsItsArchiveOnTheFirstStart() throws IOException {
        Path cache = unpacked.resolve("cache-first-start");
        try (WorkerProcessHandle worker = launcher(cache).start()) {
            WorkerEvent ready = worker.awaitEvent(READY, LIMIT);
            assertThat(ready.field("pid")).as("the launcher execs java: its pid is the worker's")
                    .isEqualTo(worker.pid());

            assertThat(Gearman.call(GEARMAND.address(), "reverse", "distribution", LIMIT)).isEqualTo("noitubirtsid");
            assertThat(worker.awaitEvent(JOB_ENDED, LIMIT).function()).isEqualTo("reverse");

            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
            assertThat(worker.stdoutNoise()).as("stdout carries only the event log").isEmpty();
        }
        assertThat(files(cache)).as("one complete archive, no temporary file left")
                .singleElement().satisfies(f -> {
                    assertThat(f.getFileName().toString()).matches("worker-jdk\\d+-\\d+\\.(jsa|aot)");
                    assertThat(Files.size(f)).isPositive();
                });
    }

    @Test
    void aDamagedArchiveOnlyCostsTime() throws IOException {
        Path cache = unpacked.resolve("cache-damaged");
        Path archive = recordArchive(home, cache);
        byte[] garbage = new byte[(int) Math.min(Files.size(archive), 1 << 20)];
        Arrays.fill(garbage, (byte) 0x5a);
        Files.delete(archive); // the JVM writes it read-only
        Files.write(archive, garbage); // same name, so the launcher hands it to the JVM; truncated and wrong

        assertServesJobs(cache);
    }

    @Test
    void anArchiveRecordedForAnotherInstallationOnlyCostsTime() throws IOException {
        // recorded for other jar paths, put where this installation's archive belongs: the JVM finds the class
        // path changed and runs without it
        Path otherHome = unpack(unpacked.resolve("other-install"));
        Path foreign = recordArchive(otherHome, unpacked.resolve("cache-other"));
        Path cache = unpacked.resolve("cache-mismatched");
        Path ours = recordArchive(home, cache);
        Files.copy(foreign, ours, StandardCopyOption.REPLACE_EXISTING);

        assertServesJobs(cache);
    }

    @Test
    void programsWithDifferentJavaOptsSharingACacheKeepTheirOwnArchives() throws IOException {
        // two supervisord programs, one with JAVA_OPTS: each start must find its archive, not record it again
        Path cache = unpacked.resolve("cache-shared");
        Path plain = recordArchive(home, cache);
        Path withOpts = recordArchive(home, cache, "JAVA_OPTS=-Xmx256m");

        assertThat(withOpts).isNotEqualTo(plain);
        assertThat(files(cache)).containsExactlyInAnyOrder(plain, withOpts);
    }

    @Test
    void commandsThatStartNoWorkerNeverRunTheTraining() throws IOException {
        // a usage error ends each command at once; a training run would come before it and leave an archive
        Path cache = Files.createDirectories(unpacked.resolve("cache-no-training"));
        List<List<String>> commands = List.of(List.of("--version"), List.of("--help"), List.of("run", "--help"),
                List.of("--concurrency", "2", "--version"), List.of("dashboard", "--no-such-option"),
                List.of("submit", "--no-such-option"), List.of("workers", "--no-such-option"),
                List.of("terminate", "--no-such-option"), List.of("status", "--no-such-option"),
                List.of("report", "--no-such-option"));
        for (List<String> args : commands) {
            ExternalProcess.Result r = launch(cache, null, args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(args.contains("--no-such-option") ? 2 : 0);
            try (Stream<Path> left = Files.list(cache)) {
                assertThat(left).as("no training run (no archive, no lock) for %s", args).isEmpty();
            }
        }
    }

    @Test
    void javaOptsKeepASpaceInQuotes() throws IOException {
        // -Dgearworker.config names the defaults file: one in a directory with a space sets the worker id
        Path dir = Files.createDirectories(unpacked.resolve("config with space"));
        Path config = dir.resolve("application.properties");
        String id = WorkerProcessHandle.uniqueWorkerId("quoted");
        Files.writeString(config, "gearman.worker-id=" + id + "\n");
        try (WorkerProcessHandle worker = launcher(unpacked.resolve("cache-quoted")).workerId(null)
                .env("GEARMAN_JVM_CACHE", "off")
                .env("JAVA_OPTS", "-Xmx256m -Dgearworker.config=\"" + config + "\"").start()) {
            assertThat(worker.awaitEvent(READY, LIMIT).worker()).as(worker.diagnostics()).isEqualTo(id);
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @Test
    void anUnclosedQuoteInJavaOptsIsAConfigurationError() {
        ExternalProcess.Result r = launch(unpacked.resolve("cache-unclosed"), "-Dx=\"a b", "--version");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr().strip()).as(r.toString()).startsWith("gearman-worker: JAVA_OPTS has an unclosed")
                .doesNotContain("\n");
    }

    @Test
    void aJvmLogWithoutAnOutputGoesToStderrNotIntoTheEventLog() {
        // -Xlog:gc alone would log to stdout ("Using Serial" at start); with an empty output field too
        try (WorkerProcessHandle worker = launcher(unpacked.resolve("cache-xlog"))
                .env("GEARMAN_JVM_CACHE", "off").env("JAVA_OPTS", "-Xlog:gc -Xlog:gc+init::uptime").start()) {
            worker.awaitEvent(READY, LIMIT);
            assertThat(Gearman.call(GEARMAND.address(), "reverse", "logged", LIMIT)).isEqualTo("deggol");
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
            assertThat(worker.stdoutNoise()).as("stdout carries only the event log").isEmpty();
            assertThat(worker.stderr()).contains("Using Serial");
        }
    }

    @Test
    void gearmanJavaHomeWinsOverJavaHome() {
        ExternalProcess.Result r = ExternalProcess.run(LIMIT, "env", "GEARMAN_JAVA_HOME=/nonexistent-jdk",
                "JAVA_HOME=" + System.getProperty("java.home"), home.resolve("bin/gearman-worker").toString(),
                "--version");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("no java found at '/nonexistent-jdk/bin/java'");
    }

    @Test
    void theRecordedArchiveIsTheOneTheJvmOpens() throws IOException {
        // each JDK here: the test's (17) and a JDK 25+ when installed (its AOT cache, recorded by the training)
        List<Path> jdks = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        newestJdk(25).ifPresent(jdks::add);
        for (Path jdk : jdks) {
            boolean aot = javaFeature(jdk) >= 25;
            String logArchive = aot ? "-Xlog:aot" : "-Xlog:cds"; // part of the options the archive is made for
            Path cache = unpacked.resolve("cache-opened-" + jdk.getFileName());
            String launcher = home.resolve("bin/gearman-worker").toString();
            ExternalProcess.Result made = ExternalProcess.run(LIMIT, "env", "GEARMAN_JVM_CACHE=" + cache,
                    "GEARMAN_JAVA_HOME=" + jdk, "JAVA_OPTS=" + logArchive, launcher, "jvm-cache");
            assertThat(made.exitCode()).as(made.toString()).isZero();
            Path archive = Path.of(made.stdout().strip());
            assertThat(archive.getFileName().toString()).endsWith(aot ? ".aot" : ".jsa");

            ExternalProcess.Result used = ExternalProcess.run(LIMIT, "env", "GEARMAN_JVM_CACHE=" + cache,
                    "GEARMAN_JAVA_HOME=" + jdk, "JAVA_OPTS=" + logArchive, launcher, "--version");
            assertThat(used.exitCode()).as(used.toString()).isZero();
            assertThat(used.stderr()).as(used.toString())
                    .contains((aot ? "Opened AOT cache " : "Opened archive ") + archive + ".");
        }
    }

    private static void assertServesJobs(Path cache) {
        try (WorkerProcessHandle worker = launcher(cache).start()) {
            worker.awaitEvent(READY, LIMIT);
            assertThat(Gearman.call(GEARMAND.address(), "reverse", "still starts", LIMIT)).isEqualTo("strats llits");
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
            assertThat(worker.stdoutNoise()).as("JVM warnings go to stderr, not into the event log").isEmpty();
        }
    }

    private static WorkerProcessHandle.Builder launcher(Path cache) {
        return WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("dist"))
                .program(home.resolve("bin/gearman-worker"))
                .env("JAVA_HOME", System.getProperty("java.home"))
                .env("GEARMAN_JVM_CACHE", cache.toString());
    }

    /** {@code bin/gearman-worker ARGS} with this cache, the test's JDK and JAVA_OPTS ({@code null}: none). */
    private static ExternalProcess.Result launch(Path cache, String javaOpts, String... args) {
        List<String> command = new ArrayList<>(List.of("env", "-u", "GEARMAN_JAVA_HOME", "-u", "JAVA_OPTS",
                "GEARMAN_JVM_CACHE=" + cache, "JAVA_HOME=" + System.getProperty("java.home")));
        if (javaOpts != null) {
            command.add("JAVA_OPTS=" + javaOpts);
        }
        command.add(home.resolve("bin/gearman-worker").toString());
        command.addAll(List.of(args));
        return ExternalProcess.run(LIMIT, command.toArray(String[]::new));
    }

    /** The newest JDK of at least FEATURE under /usr/lib/jvm, if any. */
    private static Optional<Path> newestJdk(int feature) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.filter(d -> Files.isExecutable(d.resolve("bin/java")) && javaFeature(d) >= feature)
                    .max(Comparator.comparingInt(WorkerDistributionIT::javaFeature));
        }
    }

    private static int javaFeature(Path jdk) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
                    .matcher(Files.readString(jdk.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code bin/gearman-worker jvm-cache}: records the archive, prints its path. */
    private static Path recordArchive(Path installation, Path cache, String... env) {
        List<String> command = new ArrayList<>(List.of("env", "GEARMAN_JVM_CACHE=" + cache,
                "JAVA_HOME=" + System.getProperty("java.home")));
        command.addAll(List.of(env));
        command.add(installation.resolve("bin/gearman-worker").toString());
        command.add("jvm-cache");
        ExternalProcess.Result r = ExternalProcess.run(LIMIT, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path archive = Path.of(r.stdout().strip());
        assertThat(archive).isRegularFile().hasParent(cache);
        return archive;
    }

    private static Path unpack(Path into) throws IOException {
        String dist = System.getProperty("worker.dist");
        assertThat(dist).as("failsafe sets -Dworker.dist (run the ITs with mvn verify)").isNotNull();
        Files.createDirectories(into);
        ExternalProcess.Result r = ExternalProcess.run(LIMIT, "tar", "xzf", dist, "-C", into.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<Path> top = files(into);
        assertThat(top).as("one directory gearman-worker-<version>/").singleElement()
                .satisfies(d -> assertThat(d.getFileName().toString()).startsWith("gearman-worker-"));
        Path installation = top.get(0);
        assertThat(installation.resolve("bin/gearman-worker")).isExecutable();
        assertThat(installation.resolve("lib/gearman-worker.jar")).isRegularFile();
        assertThat(installation.resolve("config/application.properties")).isRegularFile();
        return installation;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals(".training.lock")).sorted().toList();
        }
    }
}
