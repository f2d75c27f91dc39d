package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_HANDED_BACK;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker stopped while a {@code fanout} parent waits for its children: the parent finishes within the shutdown
 * timeout, or - cut off by it - is handed back and, run again by another worker, re-joins its children still
 * running (same unique ids) instead of running them twice.
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

    @Test
    void aParentCutOffByTheShutdownTimeoutRunsAgainAndRejoinsItsRunningChildren() throws Exception {
        String kid = Gearman.uniqueFunction("counted");
        List<String> executions = new CopyOnWriteArrayList<>();
        try (CamelContext children = serveCounted(kid, executions);
             WorkerProcessHandle first = WorkerProcessHandle.builder(GEARMAND.servers())
                     .workerId(WorkerProcessHandle.uniqueWorkerId("handback-first"))
                     .env("FANOUT_CHILD_FUNCTION", kid).args("--shutdown-timeout", "1s").start()) {
            first.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "35s", "-f", "fanout", "4 8000")) {
                String handle = first.awaitEvent(JOB_STARTED, e -> "fanout".equals(e.function()), LIMIT).handle();
                try (WorkerProcessHandle second = WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId("handback-second"))
                        .env("FANOUT_CHILD_FUNCTION", kid).start()) {
                    second.awaitEvent(READY, LIMIT);
                    await().atMost(LIMIT).until(() -> executions.size() == 4);
                    first.signal("TERM");

                    assertThat(first.awaitExit(LIMIT)).as(first.diagnostics()).isEqualTo(3);
                    assertThat(first.awaitEvent(JOB_HANDED_BACK, LIMIT).handle()).isEqualTo(handle);
                    // gearmand requeued the parent (same handle) to the second worker, which re-submitted the
                    // same children: gearmand attached it to those still running
                    second.awaitEvent(JOB_ENDED, e -> handle.equals(e.handle()), LIMIT);
                    ExternalProcess.Result result = client.await(LIMIT);
                    assertThat(result.exitCode()).as(result.toString()).isZero();
                    Matcher m = Pattern.compile("fanout 4 x 8000 ms in (\\d+) ms\n").matcher(result.stdout());
                    assertThat(m.matches()).as(result.stdout()).isTrue();
                    assertThat(Long.parseLong(m.group(1)))
                            .as("the re-run waited only for what was left of the running children").isLessThan(8000);
                    assertThat(executions).as("each child ran once: %s", executions).hasSize(4)
                            .doesNotHaveDuplicates().allMatch(id -> id.startsWith("fanout/" + handle + "/"));
                    second.signal("TERM");
                    assertThat(second.awaitExit(LIMIT)).isZero();
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), kid).total()).as("nothing left in gearmand").isZero();
    }

    /** Serves the child function in this JVM: each execution records its unique id, then sleeps the workload. */
    private static CamelContext serveCounted(String function, List<String> executions) throws Exception {
        CamelContext context = new DefaultCamelContext();
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(GEARMAND.servers());
        context.addComponent("gearman", gearman);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + function + "?concurrentConsumers=8").process(e -> {
                    executions.add(e.getMessage().getHeader(GearmanConstants.UNIQUE_ID, String.class));
                    Thread.sleep(Long.parseLong(e.getMessage().getBody(String.class)));
                    e.getMessage().setBody("done");
                });
            }
        });
        context.start();
        return context;
    }
}
