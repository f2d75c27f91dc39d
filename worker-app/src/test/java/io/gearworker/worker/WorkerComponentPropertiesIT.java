package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's gearman component is configured the Camel way: {@code camel.component.gearman.<option>} in
 * application.properties sets what the run options do not, while the run options (command line, environment,
 * {@code gearman.<option>}) win for servers, concurrency and worker id.
 */
class WorkerComponentPropertiesIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void camelComponentPropertiesReachTheComponentAndRunOptionsWin(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("application.properties"), """
                camel.component.gearman.send-exceptions = true
                # set by --servers and gearman.concurrency: these lines lose
                camel.component.gearman.servers = 127.0.0.1:1
                camel.component.gearman.concurrent-consumers = 5
                gearman.concurrency = 2
                """);

        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).workingDirectory(dir)
                .start()) {
            assertThat(worker.awaitEvent(READY, LIMIT).field("servers")).isEqualTo(GEARMAND.servers());
            // gearman.concurrency=2: two job slots, so two registered connections for reverse
            await().atMost(LIMIT).untilAsserted(() -> assertThat(Gearman.workersOf(GEARMAND.address(), "reverse"))
                    .containsExactly(worker.workerId(), worker.workerId()));

            // send-exceptions=true: the client learns why the job failed (WORK_EXCEPTION), not just WORK_FAIL
            ExternalProcess.Result r = WorkerCli.run(LIMIT, "submit", "--servers", GEARMAND.servers(),
                    "--timeout", "20s", "-f", "sleep", "abc");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("sleep takes a number of milliseconds, got 'abc'");

            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }
}
