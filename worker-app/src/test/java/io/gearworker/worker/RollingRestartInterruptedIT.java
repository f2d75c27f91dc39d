package io.gearworker.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code terminate --all --rolling} stopped halfway (SIGTERM) says which workers it did not restart, and fails. */
class RollingRestartInterruptedIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void interruptedHalfwayItNamesTheWorkersNotRestartedAndExitsNonZero(@TempDir Path dir) throws Exception {
        List<WorkerProcessHandle> workers = new ArrayList<>();
        try {
            for (String name : List.of("roll-a", "roll-b", "roll-c")) {
                workers.add(WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId(name)).start());
            }
            workers.forEach(w -> w.awaitEvent(READY, LIMIT));
            Path out = dir.resolve("rolling.out");
            // no supervisor respawns the first one: the rolling waits for it to come back until it is interrupted
            Process rolling = new ProcessBuilder(WorkerCli.command(WorkerCli.DEFAULT_JVM_OPTIONS, List.of("terminate",
                    "--servers", GEARMAND.servers(), "--all", "--rolling", "--wait", "60s")))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(dir.resolve("rolling.err").toFile()).start();
            try {
                await().atMost(LIMIT).until(() -> read(out).contains("DOWN "));
                rolling.destroy(); // SIGTERM
                assertThat(rolling.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                String stdout = read(out);
                assertThat(rolling.exitValue()).as(stdout).isEqualTo(143);
                List<String> notRestarted = stdout.lines().filter(l -> l.startsWith("NOT RESTARTED ")).toList();
                assertThat(notRestarted).as(stdout).hasSize(1);
                for (WorkerProcessHandle w : workers) {
                    assertThat(notRestarted.get(0).split(" ")).as(stdout).contains(w.workerId());
                }
                assertThat(workers.stream().filter(WorkerProcessHandle::isAlive)).as("only the first was terminated")
                        .hasSize(2);
            } finally {
                rolling.destroyForcibly();
            }
        } finally {
            workers.forEach(WorkerProcessHandle::close);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
