package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.JOB_HANDED_BACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.routes.ReverseRoute;
import io.gearworker.routes.workflow.ChainRoute;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A workflow parent whose worker dies (kill -9) or hands it back (shutdown timeout, exit 3) while some of its
 * children are still queued: gearmand runs the parent again on a worker already running, the re-run submits every
 * child under ids of its own run, and answers well within the child timeout (60 s) - every child of the answering
 * run ran. Before, the re-run joined the first run's queued children, which gearmand drops unrun.
 */
class WorkflowRerunIT {

    private static final Duration LIMIT = Duration.ofSeconds(40);
    /** What the issue asks of a re-run: an answer this soon after the first worker is gone. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(20);
    private static final Pattern CHILD_ID = Pattern.compile("fanout/.+/([0-9a-f]{8})/(\\d+)");

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aFanoutWhoseWorkerIsKilledIsAnsweredByTheOtherWorkerWithEveryChildRun() throws Exception {
        rerunOfAFanoutAfter("KILL", 137);
    }

    @Test
    void aFanoutHandedBackAtTheShutdownTimeoutIsAnsweredByTheOtherWorkerWithEveryChildRun() throws Exception {
        rerunOfAFanoutAfter("TERM", 3);
    }

    /**
     * {@code fanout 6 2000} with two worker processes running and the children served here in 2 slots: 1.5 s in,
     * 2 children run and 4 wait in gearmand; then the parent's worker gets {@code signal}.
     */
    private static void rerunOfAFanoutAfter(String signal, int exitCode) throws Exception {
        try (CountedChildren kids = new CountedChildren(GEARMAND.servers(), 2);
             WorkerProcessHandle a = fanoutWorker("rerun-a", kids);
             WorkerProcessHandle b = fanoutWorker("rerun-b", kids)) {
            a.awaitEvent(READY, LIMIT);
            b.awaitEvent(READY, LIMIT);
            try (ExternalProcess client = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "60s", "-f", "fanout", "6 2000")) {
                await().atMost(LIMIT).until(() -> parentStarted(a) || parentStarted(b));
                WorkerProcessHandle first = parentStarted(a) ? a : b;
                WorkerProcessHandle second = first == a ? b : a;
                WorkerEvent started = first.awaitEvent(JOB_STARTED, e -> "fanout".equals(e.function()), LIMIT);
                await().atMost(LIMIT).until(() -> kids.executions.size() == 2
                        && Gearman.status(GEARMAND.address(), kids.function).total() == 6
                        && Duration.between(started.ts(), Instant.now()).toMillis() >= 1500);

                first.signal(signal);
                Instant gone = Instant.now();
                ExternalProcess.Result result = client.await(LIMIT);
                Duration answeredAfter = Duration.between(gone, Instant.now());

                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.stdout()).matches("fanout 6 x 2000 ms in \\d+ ms\n");
                assertThat(answeredAfter).as("answered after the first worker was gone").isLessThan(ANSWER_BOUND);
                assertThat(first.awaitExit(LIMIT)).as(first.diagnostics()).isEqualTo(exitCode);
                if (exitCode == 3) {
                    assertThat(first.awaitEvent(JOB_HANDED_BACK, LIMIT).handle()).isEqualTo(started.handle());
                }
                assertThat(second.awaitEvent(JOB_ENDED, e -> started.handle().equals(e.handle()), LIMIT))
                        .as("the re-run is gearmand's same job, on the other worker").isNotNull();

                assertThat(kids.executions).allMatch(id -> CHILD_ID.matcher(id).matches());
                Map<String, Set<Integer>> childrenByRun = byRun(kids.executions);
                assertThat(kids.executions).as("no child ran twice within one run").doesNotHaveDuplicates();
                assertThat(childrenByRun).as("two runs: %s", kids.executions).hasSize(2)
                        .containsValue(IntStream.range(0, 6).boxed().collect(Collectors.toCollection(TreeSet::new)));
                if (exitCode == 137) {
                    assertThat(childrenByRun.values()).as("the killed run's queued children never ran")
                            .anyMatch(children -> children.size() == 2);
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "fanout").total()).as("nothing left in gearmand").isZero();
    }

    /**
     * A chain step waits in gearmand only while no worker has a free slot for its function (slots are per
     * function), so the chain's worker process takes no job after the parent ({@code --max-jobs 1}), and the
     * worker that runs it again (here, in the test's JVM) serves {@code upcase} only once the re-run submitted it:
     * a worker that reached the abandoned step first would make gearmand drop it before the re-run could join it.
     */
    @Test
    void aChainWhoseWorkerIsKilledWithAStepQueuedIsAnsweredByTheNextWorker() throws Exception {
        try (WorkerProcessHandle first = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("chain-first")).args("--max-jobs", "1").start()) {
            first.awaitEvent(READY, LIMIT);
            try (ExternalProcess chain = WorkerCli.start("submit", "--servers", GEARMAND.servers(),
                    "--timeout", "60s", "-f", "chain", "hello")) {
                first.awaitEvent(JOB_STARTED, e -> "chain".equals(e.function()), LIMIT);
                await().atMost(LIMIT).until(() -> Gearman.status(GEARMAND.address(), "upcase").total() == 1);

                first.signal("KILL");
                Instant gone = Instant.now();
                assertThat(first.awaitExit(LIMIT)).isEqualTo(137);
                try (CamelContext next = chainWorkerWithoutUpcase()) {
                    await().atMost(LIMIT).until(() -> Gearman.status(GEARMAND.address(), "upcase").total() == 2);
                    next.getRouteController().startRoute(ChainRoute.UPCASE);
                    ExternalProcess.Result result = chain.await(LIMIT);

                    assertThat(result.exitCode()).as(result.toString()).isZero();
                    assertThat(result.stdout()).isEqualTo("OLLEH\n");
                    assertThat(Duration.between(gone, Instant.now())).isLessThan(ANSWER_BOUND);
                }
            }
        }
        assertThat(Gearman.status(GEARMAND.address(), "upcase").total()).as("the abandoned step was dropped")
                .isZero();
    }

    /** {@code chain} and its steps served in this JVM, all but {@code upcase} started. */
    private static CamelContext chainWorkerWithoutUpcase() throws Exception {
        CamelContext context = new DefaultCamelContext();
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(GEARMAND.servers());
        context.addComponent("gearman", gearman);
        context.addRoutes(new ChainRoute());
        context.addRoutes(new ReverseRoute());
        context.setAutoStartup(false);
        context.start();
        for (String route : List.of(ChainRoute.FUNCTION, ChainRoute.ASCII, ReverseRoute.FUNCTION)) {
            context.getRouteController().startRoute(route);
        }
        return context;
    }

    private static WorkerProcessHandle fanoutWorker(String name, CountedChildren kids) {
        return WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId(name))
                .env("FANOUT_CHILD_FUNCTION", kids.function).args("--shutdown-timeout", "1s").start();
    }

    private static boolean parentStarted(WorkerProcessHandle worker) {
        return worker.events(JOB_STARTED).stream().anyMatch(e -> "fanout".equals(e.function()));
    }

    /** The child indexes that ran, by the run (attempt token) of the parent that submitted them. */
    static Map<String, Set<Integer>> byRun(List<String> childIds) {
        return childIds.stream().map(CHILD_ID::matcher).filter(Matcher::matches).collect(Collectors.groupingBy(
                m -> m.group(1), Collectors.mapping(m -> Integer.parseInt(m.group(2)),
                        Collectors.toCollection(TreeSet::new))));
    }
}
