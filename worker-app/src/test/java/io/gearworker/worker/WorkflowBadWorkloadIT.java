package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.JOB_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A malformed workload of megabytes: the worker's logs, its event log and the client's error quote a prefix. */
class WorkflowBadWorkloadIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int WORKLOAD_BYTES = 5 * 1024 * 1024;

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aFiveMegabyteMalformedFanoutWorkloadLeavesOnlyAPrefixInEveryLog() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("bad-workload")).start();
             GearmanClient client = Gearman.client(GEARMAND.address())) {
            worker.awaitEvent(READY, LIMIT);
            int stderrBefore = worker.stderr().length();
            byte[] workload = ("8 " + "9".repeat(WORKLOAD_BYTES - 2)).getBytes(StandardCharsets.US_ASCII);

            Throwable failure = catchThrowable(() -> client.submit(JobRequest.foreground("fanout", workload))
                    .orTimeout(LIMIT.toSeconds(), TimeUnit.SECONDS).join());

            assertThat(failure).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(GearmanJobFailedException.class);
            WorkerEvent failed = worker.awaitEvent(JOB_FAILED, e -> "fanout".equals(e.function()), LIMIT);
            assertThat(failed.line()).as("the event log's line").contains("…' (" + WORKLOAD_BYTES + " bytes)")
                    .hasSizeLessThan(2048);
            worker.awaitStderr("fanout takes 'N MS'", LIMIT);
            assertThat(worker.stderr().length() - stderrBefore).as("what the failure added to stderr")
                    .isLessThan(32 * 1024);
        }
    }
}
