package io.gearworker.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's rolling-restart action against a fleet run by a real supervisord: it answers 202 at once, runs in
 * the background (a second one is refused while it runs), and its DOWN / BACK lines and verdict reach the action
 * log that {@code /api/fleet} returns.
 */
class DashboardRollingRestartIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void theRollingRestartActionReplacesEveryWorkerInTheBackground() throws Exception {
        try (SupervisedFleet fleet = SupervisedFleet.start(GEARMAND.servers(), 2, "--shutdown-timeout 10s");
             DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers(),
                     "--allow-actions")) {
            List<String> ids = fleet.ids();
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Gearman.workersOf(GEARMAND.address(), "reverse").containsAll(ids));

            HttpResponse<String> started = post(dashboard.url("api/actions"), "{\"action\":\"rolling-restart\"}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            assertThat(started.body()).contains("rolling restart of 2 workers, 1 at a time: started");
            HttpResponse<String> again = post(dashboard.url("api/actions"), "{\"action\":\"rolling-restart\"}");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);

            await().atMost(LIMIT.multipliedBy(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> get(dashboard.url("api/fleet")).contains("rolling restart done: every worker is back"));
            String fleetJson = get(dashboard.url("api/fleet"));
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> ids.stream().allMatch(id -> fleet.events(id, READY).size() == 2));
            for (String id : ids) {
                assertThat(fleetJson).contains("\"text\":\"DOWN " + id + "\"", "\"text\":\"BACK " + id + "\"");
                assertThat(fleet.events(id, EXIT)).extracting(WorkerEvent::reason).as(fleet.diagnostics())
                        .containsExactly("terminate");
                assertThat(fleet.events(id, READY)).as("a new process serves " + id).hasSize(2);
            }
            assertThat(fleetJson).contains("\"rolling_restart_running\":false");
        }
    }

    private static HttpResponse<String> post(URI uri, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
