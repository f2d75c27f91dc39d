package io.gearworker.worker.http.dashboard;

import java.util.Map;
import java.util.TreeMap;

/**
 * gearmand's queues in Prometheus text format (0.0.4), summed over the servers: {@code gearman_queue_jobs} by
 * function and state ({@code queued}: waiting for a worker, {@code running}), {@code gearman_queue_workers} by
 * function, and {@code gearman_queue_server_up} by server. What a queue-depth autoscaler (KEDA's Prometheus
 * scaler) reads.
 */
final class QueueMetrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private QueueMetrics() {
    }

    static String text(FleetSnapshot snapshot) {
        Map<String, int[]> byFunction = new TreeMap<>(); // queued, running, workers
        for (FleetSnapshot.FunctionQueue f : snapshot.functions()) {
            int[] sums = byFunction.computeIfAbsent(f.function(), k -> new int[3]);
            sums[0] += f.queued();
            sums[1] += f.running();
            sums[2] += f.workers();
        }
        StringBuilder s = new StringBuilder(256 + 128 * byFunction.size());
        s.append("# HELP gearman_queue_jobs Jobs gearmand holds for the function, over all servers: queued (waiting"
                 + " for a worker) or running.\n");
        s.append("# TYPE gearman_queue_jobs gauge\n");
        byFunction.forEach((function, sums) -> {
            s.append("gearman_queue_jobs{function=\"").append(escape(function)).append("\",state=\"queued\"} ")
                    .append(sums[0]).append('\n');
            s.append("gearman_queue_jobs{function=\"").append(escape(function)).append("\",state=\"running\"} ")
                    .append(sums[1]).append('\n');
        });
        s.append("# HELP gearman_queue_workers Workers registered for the function, over all servers.\n");
        s.append("# TYPE gearman_queue_workers gauge\n");
        byFunction.forEach((function, sums) -> s.append("gearman_queue_workers{function=\"").append(escape(function))
                .append("\"} ").append(sums[2]).append('\n'));
        s.append("# HELP gearman_queue_server_up 1 when the server answered the admin commands, else 0.\n");
        s.append("# TYPE gearman_queue_server_up gauge\n");
        for (FleetSnapshot.Server server : snapshot.servers()) {
            s.append("gearman_queue_server_up{server=\"").append(escape(server.server())).append("\"} ")
                    .append(server.reachable() ? 1 : 0).append('\n');
        }
        return s.toString();
    }

    /** A label value as the text format wants it: backslash, double quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
