package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A background {@code fanout} parent kept in gearmand's persistent queue (sqlite) while gearmand is killed and
 * started again: the children of the first run die with gearmand (foreground jobs are never persisted), gearmand
 * hands the parent out again, and the re-run runs every child.
 */
class WorkflowGearmandRestartIT {

    private static final Duration LIMIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension("--queue-type=libsqlite3",
            "--libsqlite3-db=" + queueFile());

    private static Path queueFile() {
        try {
            return Files.createTempDirectory("gearmand-queue").resolve("queue.sqlite");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPersistedParentRunsAgainAfterAGearmandRestartWithEveryChildRun() throws Exception {
        try (CountedChildren kids = new CountedChildren(GEARMAND.servers(), 2);
             WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                     .workerId(WorkerProcessHandle.uniqueWorkerId("restart"))
                     .env("FANOUT_CHILD_FUNCTION", kids.function).start()) {
            worker.awaitEvent(READY, LIMIT);
            try (GearmanClient client = Gearman.client(GEARMAND.address())) {
                client.submit(JobRequest.background("fanout", "4 1000".getBytes(StandardCharsets.US_ASCII))).join();
            }
            worker.awaitEvent(JOB_STARTED, e -> "fanout".equals(e.function()), LIMIT);
            // 2 children run, 2 wait in gearmand
            await().atMost(LIMIT).until(() -> kids.executions.size() == 2
                    && Gearman.status(GEARMAND.address(), kids.function).total() == 4);

            GEARMAND.kill();
            GEARMAND.start();

            WorkerEvent done = worker.awaitEvent(JOB_ENDED, e -> "fanout".equals(e.function()), LIMIT);
            assertThat(worker.events(JOB_STARTED)).filteredOn(e -> "fanout".equals(e.function()))
                    .as("the parent ran twice").hasSize(2).last().extracting(WorkerEvent::handle)
                    .isEqualTo(done.handle());
            Map<String, Set<Integer>> byRun = WorkflowRerunIT.byRun(kids.executions);
            assertThat(byRun).as("%s", kids.executions)
                    .containsValue(IntStream.range(0, 4).boxed().collect(Collectors.toCollection(TreeSet::new)));
        }
        await().atMost(LIMIT).until(() -> Gearman.status(GEARMAND.address(), "fanout").total() == 0);
    }
}
