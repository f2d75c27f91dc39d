package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.ExternalProcess.Result;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our consumer and producer against the non-Java Gearman peers operations actually use: the {@code gearman} CLI
 * (libgearman) and PHP's pecl gearman extension, both as client and as worker, through a real gearmand.
 */
class GearmanInteropIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private static final Duration PEER_LIMIT = Duration.ofSeconds(10);

    private String serveReverse(String prefix) throws Exception {
        String fn = Gearman.uniqueFunction(prefix);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers())
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
            }
        });
        return fn;
    }

    private String port() {
        return Integer.toString(gearmand.port());
    }

    @Test
    void gearmanCliClientJobIsServedByOurRoute() throws Exception {
        String fn = serveReverse("cli_client");

        Result r = ExternalProcess.run(PEER_LIMIT, "gearman", "-h", "127.0.0.1", "-p", port(), "-f", fn,
                "hello gearman");

        assertThat(r.timedOut()).as("%s", r).isFalse();
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo("namraeg olleh");
    }

    @Test
    void phpClientJobIsServedByOurRoute() throws Exception {
        String fn = serveReverse("php_client");
        String php = """
                $c = new GearmanClient();
                $c->addServer("127.0.0.1", %s);
                $c->setTimeout(10000);
                $r = $c->doNormal("%s", "hello gearman");
                if ($c->returnCode() != GEARMAN_SUCCESS) {
                    fwrite(STDERR, "returnCode " . $c->returnCode() . ": " . $c->error());
                    exit(3);
                }
                echo $r;
                """.formatted(port(), fn);

        Result r = ExternalProcess.run(PEER_LIMIT, "php", "-r", php);

        assertThat(r.timedOut()).as("%s", r).isFalse();
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo("namraeg olleh");
    }

    @Test
    void producerJobIsDoneByGearmanCliWorker() throws Exception {
        String fn = Gearman.uniqueFunction("cli_worker");
        // libgearman's worker mode pipes the workload into the command and returns its output
        try (ExternalProcess worker = ExternalProcess.start("gearman", "-w", "-h", "127.0.0.1", "-p", port(),
                "-f", fn, "-c", "1", "--", "rev")) {
            awaitRegistered(fn, worker);

            String result = template.requestBody(
                    "gearman:" + fn + "?servers=" + gearmand.servers() + "&timeout=10000", "hello gearman",
                    String.class);

            assertThat(result).isEqualTo("namraeg olleh");
            Result w = worker.await(PEER_LIMIT); // -c 1: it exits after its one job
            assertThat(w.timedOut()).as("%s", w).isFalse();
            assertThat(w.exitCode()).as("%s", w).isZero();
        }
    }

    @Test
    void producerJobIsDoneByPhpWorker() throws Exception {
        String fn = Gearman.uniqueFunction("php_worker");
        String php = """
                $w = new GearmanWorker();
                $w->addServer("127.0.0.1", %s);
                $w->setTimeout(10000);
                $w->addFunction("%s", function ($job) { return "php:" . strrev($job->workload()); });
                if (!$w->work()) {
                    fwrite(STDERR, "work() returned " . $w->returnCode() . ": " . $w->error());
                    exit(3);
                }
                """.formatted(port(), fn);
        try (ExternalProcess worker = ExternalProcess.start("php", "-r", php)) {
            awaitRegistered(fn, worker);

            String result = template.requestBody(
                    "gearman:" + fn + "?servers=" + gearmand.servers() + "&timeout=10000", "hello gearman",
                    String.class);

            assertThat(result).isEqualTo("php:namraeg olleh");
            Result w = worker.await(PEER_LIMIT);
            assertThat(w.timedOut()).as("%s", w).isFalse();
            assertThat(w.exitCode()).as("%s", w).isZero();
        }
    }

    @Test
    void failingRouteEndsTheGearmanCliAndPhpClientPromptly() throws Exception {
        String fn = Gearman.uniqueFunction("cli_fail");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // default sendExceptions=false: WORK_FAIL, which every client understands
                from("gearman:" + fn + "?servers=" + gearmand.servers())
                        .throwException(new IllegalStateException("boom"));
            }
        });

        Result cli = ExternalProcess.run(PEER_LIMIT, "gearman", "-h", "127.0.0.1", "-p", port(), "-f", fn, "x");

        assertThat(cli.timedOut()).as("the CLI must not wait forever for a failed job: %s", cli).isFalse();
        assertThat(cli.elapsedMillis()).as("%s", cli).isLessThan(5000);
        assertThat(cli.exitCode()).as("%s", cli).isNotZero();
        assertThat(cli.stderr()).as("%s", cli).containsIgnoringCase("fail");

        String php = """
                $c = new GearmanClient();
                $c->addServer("127.0.0.1", %s);
                $c->setTimeout(10000);
                $c->doNormal("%s", "x");
                echo $c->returnCode() == GEARMAN_WORK_FAIL ? "WORK_FAIL" : "returnCode " . $c->returnCode();
                """.formatted(port(), fn);
        Result r = ExternalProcess.run(PEER_LIMIT, "php", "-r", php);
        assertThat(r.timedOut()).as("%s", r).isFalse();
        assertThat(r.elapsedMillis()).as("%s", r).isLessThan(5000);
        assertThat(r.stdout()).as("%s", r).isEqualTo("WORK_FAIL");
    }

    /** Waits until gearmand lists a worker for the function, failing early if the peer process died. */
    private void awaitRegistered(String fn, ExternalProcess worker) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!worker.isAlive()) {
                throw new AssertionError("worker exited early: " + worker.await(Duration.ZERO));
            }
            return !Gearman.workersOf(gearmand.address(), fn).isEmpty();
        });
    }
}
