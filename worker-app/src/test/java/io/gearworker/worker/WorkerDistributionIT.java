package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
