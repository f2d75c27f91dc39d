package io.gearworker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.HostileNames;
import io.gearworker.worker.runtime.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Function names chosen by any Gearman client ({@link HostileNames}: a newline, a forged status row with an early
 * ".", spaces, a client id with a space) break neither the commands nor the dashboard: exit 0 and normal output, no
 * stack trace, the server never called unreachable, the real worker and its functions still listed.
 */
class HostileFunctionNamesIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void commandsAndDashboardReadTheFleetDespiteHostileNames() throws Exception {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("amid-hostile")).start();
             HostileNames hostile = HostileNames.against(GEARMAND.address())) {
            worker.awaitEvent(EventType.READY, LIMIT);
            String id = worker.workerId();

            try (DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers())) {
                await().atMost(LIMIT).untilAsserted(() -> assertThat(get(dashboard, "api/fleet"))
                        .contains("\"id\":\"" + id + "\"", "\"function\":\"reverse\"", "\"reachable\":true",
                                "\"function\":\"has space\"", "\"function\":\"brk\\nx\"")
                        .doesNotContain("\"reachable\":false"));
                String metrics = get(dashboard, "metrics");
                assertThat(metrics).contains("gearman_queue_server_up{server=\"" + GEARMAND.servers() + "\"} 1",
                        "gearman_queue_workers{function=\"reverse\"} 1",
                        "gearman_queue_jobs{function=\"brk\\nx\",state=\"queued\"} 1");
                assertThat(dashboard.stderr()).doesNotContain("Exception", "\tat ");
            }

            ExternalProcess.Result workers = WorkerCli.run(LIMIT, "workers", "--servers", GEARMAND.servers());
            assertThat(workers.exitCode()).as(workers.toString()).isZero();
            assertThat(workers.stdout()).contains(id + " " + GEARMAND.servers() + " ").contains("reverse");
            assertThat(workers.stderr()).doesNotContain("Exception", "\tat ");

            ExternalProcess.Result status = WorkerCli.run(LIMIT, "status", "--servers", GEARMAND.servers(),
                    "--worker", id);
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout()).contains(id).contains("running");
            assertThat(status.stderr()).doesNotContain("Exception", "\tat ");

            ExternalProcess.Result terminate = WorkerCli.run(LIMIT, "terminate", "--servers", GEARMAND.servers(),
                    "--worker", id, "--wait", "30s");
            assertThat(terminate.exitCode()).as(terminate.toString()).isZero();
            assertThat(terminate.stdout()).contains("DOWN " + id);
            assertThat(terminate.stderr()).doesNotContain("Exception", "\tat ");
        }
    }

    private static String get(DashboardProcess dashboard, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(dashboard.url(path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
