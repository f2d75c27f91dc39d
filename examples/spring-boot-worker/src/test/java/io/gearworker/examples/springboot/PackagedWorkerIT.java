package io.gearworker.examples.springboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.GearmandServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged application ({@code target/spring-boot-worker.jar}, as {@code java -jar} runs it in production) as a
 * process: SIGTERM lets the job in flight finish before the JVM exits; a restart limit ends it with exit code 0.
 */
class PackagedWorkerIT {

    @RegisterExtension
    static GearmandServer gearmand = new GearmandServer();

    private static final Path JAR = Path.of("target", "spring-boot-worker.jar");

    private Process worker;
    private Path log;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null && worker.isAlive()) {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void onSigtermTheJobInFlightFinishesBeforeTheApplicationExits() throws Exception {
        worker = start("--reverse.delay=2000");
        await().atMost(Duration.ofSeconds(60)).until(() -> gearmand.client().connectionsFor("reverse") == 3);

        CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> gearmand.submit("reverse", "in flight"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().status("reverse").running() == 1);
        worker.destroy(); // SIGTERM

        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo("thgilf ni");
        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("exited; log %s", log).isTrue();
        assertThat(gearmand.client().connectionsFor("reverse")).isZero();
        assertThat(Files.readString(log)).doesNotContain("handed back");
    }

    @Test
    void aRestartLimitEndsTheApplicationWithExitCodeZeroOnceDrained() throws Exception {
        worker = start("--camel.component.gearman.restart.max-jobs=2");
        await().atMost(Duration.ofSeconds(60)).until(() -> gearmand.client().connectionsFor("reverse") == 3);

        assertThat(gearmand.submit("reverse", "one")).isEqualTo("eno");
        assertThat(gearmand.submit("reverse", "two")).isEqualTo("owt");

        assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("exited; log %s", log).isTrue();
        assertThat(worker.exitValue()).as("exit code; log %s", log).isZero();
        assertThat(Files.readString(log)).contains("Gearman restart limit reached (max-jobs)");
    }

    private Process start(String... args) throws IOException {
        assertThat(JAR).as("packaged by mvn package").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString(),
                "--camel.component.gearman.servers=" + gearmand.servers()));
        command.addAll(List.of(args));
        log = Files.createTempFile(Path.of("target"), "spring-boot-worker", ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
