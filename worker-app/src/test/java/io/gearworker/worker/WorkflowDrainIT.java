package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_HANDED_BACK;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker stopped while a {@code fanout} parent waits for its children: the parent finishes within the shutdown
 * timeout, its children served here and elsewhere each run once. (A parent cut off by the timeout and run again:
 * {@link WorkflowRerunIT}.)
 */
class WorkflowDrainIT {

    private static final Duration LIMIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aSigtermWhileAParentWaitsLetsItFinishItsChildrenServedHereAndElsewhere() {
        try (WorkerProcessHandle first = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("drain-first"))
                .args("--concurrency", "2", "--shutdown-timeout", "25s").start()) {
            first.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "35s", "-f", "fanout", "6 1500")) {
                first.awaitEvent(JOB_STARTED, e -> "fanout".equals(e.function()), LIMIT);
                // this worker's 2 sleep slots take 2 children; the other 4 wait in gearmand
                first.awaitEvents(JOB_STARTED, 3, LIMIT);
                try (WorkerProcessHandle second = WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId("drain-second"))
                        .args("--concurrency", "4").start()) {
                    first.signal("TERM");

                    ExternalProcess.Result result = client.await(LIMIT);
                    assertThat(result.exitCode()).as(result.toString()).isZero();
                    assertThat(result.stdout()).matches("fanout 6 x 1500 ms in \\d+ ms\n");
                    assertThat(first.awaitExit(LIMIT)).as(first.diagnostics()).isZero();

                    Instant stopping = first.awaitEvent(STOPPING, LIMIT).ts();
                    List<WorkerEvent> hereStarted = first.events(JOB_STARTED).stream()
                            .filter(e -> "sleep".equals(e.function())).toList();
                    assertThat(hereStarted).as("a draining worker grabs no new job, its own children's neither")
                            .allMatch(e -> e.ts().isBefore(stopping));
                    assertThat(first.events(JOB_ENDED)).extracting(WorkerEvent::function)
                            .as("the parent and the children it had taken finished here").contains("fanout")
                            .filteredOn("sleep"::equals).hasSize(hereStarted.size());
                    assertThat(first.events(JOB_HANDED_BACK)).isEmpty();
                    long elsewhere = second.awaitEvents(JOB_ENDED, 6 - hereStarted.size(), LIMIT).stream()
                            .filter(e -> "sleep".equals(e.function())).count();
                    assertThat(hereStarted.size() + elsewhere).as("each child ran once").isEqualTo(6);
                    second.signal("TERM");
                    assertThat(second.awaitExit(LIMIT)).isZero();
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }
}
