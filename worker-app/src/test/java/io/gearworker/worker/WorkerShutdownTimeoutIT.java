package io.gearworker.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_HANDED_BACK;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a worker cannot finish a job - its shutdown timeout passes, or it is killed - the job is not lost: gearmand
 * requeues it, another worker runs it, and the client that waits gets its result. A timed-out worker says which
 * job it handed back and exits non-zero.
 */
class WorkerShutdownTimeoutIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aJobPastTheShutdownTimeoutIsHandedBackAndFinishedByTheNextWorker() {
        try (WorkerProcessHandle first = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("timeout-first")).args("--shutdown-timeout", "1s")
                .start()) {
            first.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "25s", "-f", "sleep", "4000")) {
                String handle = first.awaitEvent(JOB_STARTED, e -> "sleep".equals(e.function()), LIMIT).handle();

                try (WorkerProcessHandle second = WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId("timeout-second")).start()) {
                    long t0 = System.nanoTime();
                    first.signal("TERM");
                    int code = first.awaitExit(LIMIT);
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

                    assertThat(code).as(first.diagnostics()).isEqualTo(3);
                    assertThat(millis).as("exit after the 1 s timeout, not after the 4 s job").isBetween(900L, 3500L);
                    WorkerEvent handedBack = first.awaitEvent(JOB_HANDED_BACK, LIMIT);
                    assertThat(handedBack.handle()).isEqualTo(handle);
                    assertThat(handedBack.function()).isEqualTo("sleep");
                    assertThat(first.events(JOB_ENDED)).as("the job did not finish here").isEmpty();
                    assertThat(first.awaitEvent(STOPPING, LIMIT).reason()).isEqualTo("sigterm");
                    WorkerEvent exit = first.events().get(first.events().size() - 1);
                    assertThat(exit.type()).isEqualTo(EXIT);
                    assertThat(exit.reason()).isEqualTo("shutdown-timeout");
                    assertThat(exit.code()).isEqualTo(3);

                    // gearmand requeued the job (same handle) to the second worker, which ran it to the end
                    assertFinishedBy(second, handle, client, "slept 4000 ms");
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }

    @Test
    void aJobOfAKilledWorkerIsRequeuedAndFinishedByAnother() {
        try (WorkerProcessHandle first = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("kill9-first")).start()) {
            first.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "25s", "-f", "sleep", "2000")) {
                String handle = first.awaitEvent(JOB_STARTED, e -> "sleep".equals(e.function()), LIMIT).handle();

                try (WorkerProcessHandle second = WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId("kill9-second")).start()) {
                    first.signal("KILL");
                    assertThat(first.awaitExit(LIMIT)).as("128 + SIGKILL").isEqualTo(137);
                    assertThat(first.events()).extracting(WorkerEvent::type).as("no chance to log anything more")
                            .containsExactly(READY, JOB_STARTED);

                    assertFinishedBy(second, handle, client, "slept 2000 ms");
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "sleep").total()).as("nothing left in gearmand").isZero();
    }

    /** The requeued job (same handle) ran to its end on {@code second}, its client got the result, and
     *  {@code second} then stops cleanly. */
    private static void assertFinishedBy(WorkerProcessHandle second, String handle, ExternalProcess client,
                                         String expected) {
        ExternalProcess.Result result = client.await(LIMIT);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo(expected + "\n");
        // job_ended is logged once the result is on the wire, so it may trail the client a little
        second.awaitEvent(JOB_ENDED, e -> handle.equals(e.handle()), LIMIT);
        assertThat(second.events()).filteredOn(e -> handle.equals(e.handle()))
                .extracting(WorkerEvent::type).containsExactly(JOB_STARTED, JOB_ENDED);

        second.signal("TERM");
        assertThat(second.awaitExit(LIMIT)).as(second.diagnostics()).isZero();
    }
}
