package io.gearworker.worker.http.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueMetricsTest {

    private static final List<FleetSnapshot.Server> SERVERS = List.of(new FleetSnapshot.Server("h1:4730", true, null),
            new FleetSnapshot.Server("h2:4730", false, "cannot reach"));

    @Test
    void sumsEachFunctionOverTheServersInPrometheusTextFormat() {
        String text = new QueueMetrics(10).text(snapshot(
                new FleetSnapshot.FunctionQueue("sleep", "h1:4730", 5, 2, 2, 4),
                new FleetSnapshot.FunctionQueue("sleep", "h2:4730", 1, 0, 1, 1),
                new FleetSnapshot.FunctionQueue("re\"v\\n", "h1:4730", 0, 0, 0, 0)));

        assertThat(text).contains(
                "# TYPE gearman_queue_jobs gauge\n",
                "gearman_queue_jobs{function=\"sleep\",state=\"queued\"} 6",
                "gearman_queue_jobs{function=\"sleep\",state=\"running\"} 2",
                "gearman_queue_workers{function=\"sleep\"} 3",
                "gearman_queue_jobs{function=\"re\\\"v\\\\n\",state=\"queued\"} 0",
                "# TYPE gearman_queue_server_up gauge\n",
                "gearman_queue_server_up{server=\"h1:4730\"} 1",
                "gearman_queue_server_up{server=\"h2:4730\"} 0",
                "gearman_queue_functions_dropped 0");
    }

    @Test
    void adminReplyLinesThatDidNotFitAreACounter() {
        long[] anomalies = {0};
        QueueMetrics metrics = new QueueMetrics(10, () -> anomalies[0]);
        assertThat(metrics.text(snapshot())).contains("gearman_admin_anomalies_total 0.0");
        anomalies[0] = 3;
        assertThat(metrics.text(snapshot())).contains("gearman_admin_anomalies_total 3.0");
    }

    @Test
    void aFunctionGearmandNoLongerListsLosesItsSeries() {
        QueueMetrics metrics = new QueueMetrics(10);
        assertThat(metrics.text(snapshot(new FleetSnapshot.FunctionQueue("gone", "h1:4730", 1, 0, 0, 0))))
                .contains("function=\"gone\"");

        assertThat(metrics.text(snapshot(new FleetSnapshot.FunctionQueue("kept", "h1:4730", 1, 0, 0, 0))))
                .doesNotContain("function=\"gone\"")
                .contains("gearman_queue_jobs{function=\"kept\",state=\"queued\"} 1");
    }

    @Test
    void anyNumberOfFunctionsMakesAtMostTheCapOfSeriesAndCountsTheRest() {
        List<FleetSnapshot.FunctionQueue> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(new FleetSnapshot.FunctionQueue(String.format("f%04d", i), "h1:4730", 1, 0, 0, 0));
        }
        QueueMetrics metrics = new QueueMetrics(QueueMetrics.MAX_FUNCTIONS);
        String text = metrics.text(snapshot(many.toArray(FleetSnapshot.FunctionQueue[]::new)));

        assertThat(text.lines().filter(l -> l.startsWith("gearman_queue_")).count())
                .as("3 series per function kept, 2 servers, the dropped count")
                .isEqualTo(3L * QueueMetrics.MAX_FUNCTIONS + 2 + 1);
        assertThat(text).contains("gearman_queue_functions_dropped 4000", "function=\"f0999\"")
                .doesNotContain("function=\"f1000\"");
        // a function with series keeps them while a new one waits for room
        String later = metrics.text(snapshot(new FleetSnapshot.FunctionQueue("a-new-one", "h1:4730", 1, 0, 0, 0),
                many.get(999)));
        assertThat(later).contains("function=\"a-new-one\"", "function=\"f0999\"", "gearman_queue_functions_dropped 0");
    }

    @Test
    void aFunctionIsFlaggedOnlyWhenJobsWaitAndNoWorkerIsThere() {
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 3, 0, 0, 0).noWorker()).isTrue();
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 0, 0, 0, 0).noWorker()).isFalse();
        assertThat(new FleetSnapshot.FunctionQueue("f", "s", 3, 1, 1, 1).noWorker()).isFalse();
    }

    private static FleetSnapshot snapshot(FleetSnapshot.FunctionQueue... functions) {
        return new FleetSnapshot(Instant.now(), SERVERS, List.of(functions), List.of(), null);
    }
}
