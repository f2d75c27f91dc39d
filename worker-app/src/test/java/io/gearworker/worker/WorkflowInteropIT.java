package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.ExternalProcess.Result;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fanout 8 500} on two workers with 4 slots each, asked by the clients operations use: the {@code gearman}
 * CLI gets the answer in about one child's time, and a PHP client with a status callback sees WORK_STATUS
 * {@code k/8} before the result.
 */
class WorkflowInteropIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Pattern ANSWER = Pattern.compile("fanout 8 x 500 ms in (\\d+) ms");

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private static WorkerProcessHandle first;
    private static WorkerProcessHandle second;

    @BeforeAll
    static void startFleet() {
        first = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId("wf-a"))
                .args("--concurrency", "4").start();
        second = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId("wf-b"))
                .args("--concurrency", "4").start();
        first.awaitEvent(READY, LIMIT);
        second.awaitEvent(READY, LIMIT);
    }

    @AfterAll
    static void stopFleet() {
        for (WorkerProcessHandle w : List.of(first, second)) {
            w.signal("TERM");
            assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isZero();
            w.close();
        }
    }

    @Test
    void gearmanCliGetsTheAnswerInAboutOneChildsTime() {
        Result r = ExternalProcess.run(LIMIT, "gearman", "-h", "127.0.0.1", "-p", Integer.toString(GEARMAND.port()),
                "-f", "fanout", "8 500");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Matcher m = ANSWER.matcher(r.stdout());
        assertThat(m.find()).as(r.stdout()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("8 children side by side, not one after the other (8 x 500 ms)")
                .isLessThan(4000);
    }

    @Test
    void phpClientSeesProgressBeforeTheResult() {
        String php = """
                $c = new GearmanClient();
                $c->addServer("127.0.0.1", %d);
                $c->setTimeout(20000);
                $c->setStatusCallback(function ($t) {
                    echo "status ", $t->taskNumerator(), "/", $t->taskDenominator(), "\\n";
                });
                $c->setCompleteCallback(function ($t) { echo "complete ", $t->data(), "\\n"; });
                $c->addTask("fanout", "8 500");
                if (!$c->runTasks()) {
                    fwrite(STDERR, "runTasks: " . $c->error());
                    exit(3);
                }
                """.formatted(GEARMAND.port());

        Result r = ExternalProcess.run(LIMIT, "php", "-r", php);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).as(r.toString()).hasSize(9);
        assertThat(lines.subList(0, 8)).containsExactly("status 1/8", "status 2/8", "status 3/8", "status 4/8",
                "status 5/8", "status 6/8", "status 7/8", "status 8/8");
        assertThat(lines.get(8)).startsWith("complete ").matches("complete " + ANSWER.pattern());
    }
}
