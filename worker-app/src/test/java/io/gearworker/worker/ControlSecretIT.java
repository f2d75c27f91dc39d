package io.gearworker.worker;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The control secret against whoever registers a worker's control function: the secret never travels (not from
 * {@code status}, {@code terminate} or the dashboard's polling), an answer not signed with it is never shown, a
 * proof is good once, and the secret is read the same way on both sides.
 */
class ControlSecretIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String SECRET = "Ctl-s3cret-" + Long.toHexString(System.nanoTime());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aRogueRegisteringTheControlFunctionNeverReceivesTheSecretNorHasItsAnswerShown() throws Exception {
        String id = WorkerProcessHandle.uniqueWorkerId("rogue");
        try (RogueControlWorker echo = new RogueControlWorker(GEARMAND.address(), id, workload -> workload)) {
            ExternalProcess.Result status = cli("status", "--servers", GEARMAND.servers(), "--control-secret", SECRET,
                    "--worker", id);
            ExternalProcess.Result json = cli("status", "--json", "--servers", GEARMAND.servers(),
                    "--control-secret", SECRET, "--worker", id);
            ExternalProcess.Result terminate = cli("terminate", "--servers", GEARMAND.servers(), "--control-secret",
                    SECRET, "--worker", id, "--wait", "1s");
            String fleetJson;
            try (DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers(),
                    "--control-secret", SECRET)) {
                await().atMost(LIMIT).until(() -> echo.received().stream().filter(w -> w.startsWith("status"))
                        .count() >= 4); // the CLI's two and at least two of the dashboard's polls
                fleetJson = HTTP.send(HttpRequest.newBuilder(dashboard.url("api/fleet")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            List<String> received = echo.received();
            assertThat(received).as("commands reached the rogue").isNotEmpty()
                    .anyMatch(w -> w.startsWith("terminate v1 "))
                    .noneMatch(w -> w.contains(SECRET));
            for (ExternalProcess.Result r : List.of(status, json, terminate)) {
                assertThat(r.exitCode()).as(r.toString()).isNotZero();
                assertThat(r.stdout() + r.stderr()).as(r.toString()).doesNotContain(SECRET)
                        .contains("not signed with the control secret");
                assertThat(received).as("the forged answer (an echo) is not shown: %s", r)
                        .noneMatch(w -> (r.stdout() + r.stderr()).contains(w));
            }
            assertThat(fleetJson).contains(id).doesNotContain(SECRET)
                    .contains("not signed with the control secret");
            assertThat(received).as("no echo reaches /api/fleet").noneMatch(fleetJson::contains);
        }
    }

    @Test
    void aMadeUpStatusAnswerIsNotShown() throws Exception {
        String id = WorkerProcessHandle.uniqueWorkerId("liar");
        String madeUp = "{\"id\":\"" + id + "\",\"pid\":4242,\"state\":\"running\"}";
        try (RogueControlWorker liar = new RogueControlWorker(GEARMAND.address(), id, workload -> madeUp)) {
            ExternalProcess.Result r = cli("status", "--json", "--servers", GEARMAND.servers(), "--control-secret",
                    SECRET, "--worker", id);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stdout()).as(r.toString()).doesNotContain("4242");
            assertThat(liar.received()).hasSize(1);
        }
    }

    @Test
    void aProofIsGoodOnceAndTheSecretIsReadTheSameWayOnBothSides() throws Exception {
        String id = WorkerProcessHandle.uniqueWorkerId("replay");
        String captured;
        // a rogue registered the id first and kept the command it was sent
        try (RogueControlWorker rogue = new RogueControlWorker(GEARMAND.address(), id, workload -> workload)) {
            cli("status", "--servers", GEARMAND.servers(), "--control-secret", SECRET, "--worker", id);
            captured = rogue.received().get(0);
        }
        // the worker's secret has the trailing newline of `echo > file`; the CLI's has none
        try (WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(id)
                .env("GEARMAN_CONTROL_SECRET", SECRET + "\n").start()) {
            w.awaitEvent(READY, LIMIT);
            ExternalProcess.Result first = gearmanCli("-f", "_worker_" + id, captured);
            assertThat(first.exitCode()).as("a fresh proof passes once: %s", first).isZero();
            ExternalProcess.Result again = gearmanCli("-f", "_worker_" + id, captured);
            assertThat(again.exitCode()).as("replayed: %s", again).isNotZero();
            w.awaitStderr("Control command 'status' refused: replayed", LIMIT);
            ExternalProcess.Result plain = gearmanCli("-f", "_worker_" + id, "terminate " + SECRET);
            assertThat(plain.exitCode()).as("the plain secret is no proof: %s", plain).isNotZero();
            assertThat(w.isAlive()).isTrue();
            assertThat(w.events(STOPPING)).isEmpty();

            ExternalProcess.Result status = cli("status", "--json", "--servers", GEARMAND.servers(),
                    "--control-secret", " " + SECRET + "\n", "--worker", id);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout()).contains("\"id\":\"" + id + "\"", "\"pid\":" + w.pid());
            ExternalProcess.Result terminate = cli("terminate", "--servers", GEARMAND.servers(), "--control-secret",
                    SECRET, "--worker", id);
            assertThat(terminate.exitCode()).as(terminate.toString()).isZero();
            assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isZero();
            assertThat(w.stderr()).doesNotContain(SECRET).doesNotContain("\tat ");
        }
    }

    @Test
    void aBlankSecretIsAConfigurationError() {
        for (List<String> command : List.of(List.of("status", "--all"), List.of("terminate", "--all"),
                List.of("dashboard", "--port", "0"), List.of("run", "--concurrency", "1"))) {
            List<String> args = Stream.concat(command.stream(), Stream.of("--servers", GEARMAND.servers(),
                    "--control-secret", " \n")).toList();
            ExternalProcess.Result r = cli(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).as(r.toString()).contains("--control-secret (GEARMAN_CONTROL_SECRET) is blank")
                    .doesNotContain("\tat ");
        }
    }

    private static ExternalProcess.Result cli(String... args) {
        return WorkerCli.run(LIMIT, args);
    }

    private static ExternalProcess.Result gearmanCli(String... args) {
        String[] all = Stream.concat(Stream.of("gearman", "-h", "127.0.0.1", "-p", Integer.toString(GEARMAND.port())),
                Stream.of(args)).toArray(String[]::new);
        return ExternalProcess.run(LIMIT, all);
    }
}
