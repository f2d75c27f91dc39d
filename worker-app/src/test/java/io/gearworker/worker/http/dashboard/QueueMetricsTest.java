package io.gearworker.worker.http.dashboard;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueMetricsTest {

    @Test
    void sumsEachFunctionOverTheServersInPrometheusTextFormat() {
        FleetSnapshot snapshot = new FleetSnapshot(Instant.now(),
                List.of(new FleetSnapshot.Server("h1:4730", true, null),
                        new FleetSnapshot.Server("h2:4730", false, "cannot reach")),
                List.of(new FleetSnapshot.FunctionQueue("sleep", "h1:4730", 5, 2, 2, 4),
                        new FleetSnapshot.FunctionQueue("sleep", "h2:4730", 1, 0, 1, 1),
                        new FleetSnapshot.FunctionQueue("re\"v\\n", "h1:4730", 0, 0, 0, 0)),
                List.of(), null);

        assertThat(QueueMetrics.text(snapshot)).isEqualTo("""
                # HELP gearman_queue_jobs Jobs gearmand holds for the function, over all servers: queued (waiting \
                for a worker) or running.
                # TYPE gearman_queue_jobs gauge
                gearman_queue_jobs{function="re\\"v\\\\n",state="queued"} 0
                gearman_queue_jobs{function="re\\"v\\\\n",state="running"} 0
                gearman_queue_jobs{function="sleep",state="queued"} 6
                gearman_queue_jobs{function="sleep",state="running"} 2
                # HELP gearman_queue_workers Workers registered for the function, over all servers.
                # TYPE gearman_queue_workers gauge
                gearman_queue_workers{function="re\\"v\\\\n"} 0
                gearman_queue_workers{function="sleep"} 3
                # HELP gearman_queue_server_up 1 when the server answered the admin commands, else 0.
                # TYPE gearman_queue_server_up gauge
                gearman_queue_server_up{server="h1:4730"} 1
                gearman_queue_server_up{server="h2:4730"} 0
                """);
    }

    @Test
    void aFunctionIsFlaggedOnlyWhenJobsWaitAndNoWorkerIsThere() {
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 3, 0, 0, 0).noWorker()).isTrue();
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 0, 0, 0, 0).noWorker()).isFalse();
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 3, 1, 1, 1).noWorker()).isFalse();
    }
}
