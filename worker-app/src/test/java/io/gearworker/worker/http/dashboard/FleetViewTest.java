package io.gearworker.worker.http.dashboard;

import java.time.Instant;
import java.util.List;

import io.gearworker.worker.fleet.Wire;
import io.gearworker.worker.fleet.WorkerStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FleetViewTest {

    @Test
    void theFleetAsTheApiGivesIt() throws Exception {
        WorkerStatus status = new WorkerStatus("a", 11L, "quiet", 5L, 3L, 0, 2, "s:1", List.of("reverse"),
                new WorkerStatus.Limits(10L, 7L, null, null, null));
        FleetSnapshot snapshot = new FleetSnapshot(Instant.parse("2026-01-02T03:04:05Z"),
                List.of(new FleetSnapshot.Server("s:1", true, null)),
                List.of(new FleetSnapshot.FunctionQueue("reverse", "s:1", 2, 1, 0, 0)),
                List.of(WorkerView.withStatus("a", "127.0.0.1", List.of("s:1"), List.of("reverse"), status),
                        WorkerView.withoutStatus("php", "127.0.0.1", List.of("s:1"), List.of("reverse"), false,
                                "no control function")),
                null);
        FleetActions.State actions = new FleetActions.State(false, true, false,
                List.of(new FleetActions.LogLine("2026-01-02T03:04:05Z", "quiet a: done")));

        assertThat(Wire.json().writeValueAsString(FleetView.of(snapshot, actions))).isEqualTo("{"
                + "\"time\":\"2026-01-02T03:04:05Z\","
                + "\"servers\":[{\"server\":\"s:1\",\"reachable\":true,\"error\":null}],"
                + "\"functions\":[{\"function\":\"reverse\",\"server\":\"s:1\",\"queued\":2,\"running\":1,"
                + "\"workers\":0,\"connections\":0,\"no_worker\":true}],"
                + "\"workers\":[{\"id\":\"a\",\"host\":\"127.0.0.1\",\"pid\":11,\"state\":\"quiet\","
                + "\"servers\":[\"s:1\"],\"functions\":[\"reverse\"],\"control\":true,\"uptime_s\":5,"
                + "\"jobs_done\":3,\"in_flight\":0,\"slots\":2,\"configured_servers\":\"s:1\","
                + "\"limits\":{\"max_jobs\":10,\"jobs_left\":7},\"status_error\":null},"
                + "{\"id\":\"php\",\"host\":\"127.0.0.1\",\"pid\":null,\"state\":\"unknown\",\"servers\":[\"s:1\"],"
                + "\"functions\":[\"reverse\"],\"control\":false,\"status_error\":\"no control function\"}],"
                + "\"events\":null,"
                + "\"actions\":{\"enabled\":false,\"secret_required\":true,\"rolling_restart_running\":false,"
                + "\"log\":[{\"ts\":\"2026-01-02T03:04:05Z\",\"text\":\"quiet a: done\"}]}}");
    }
}
