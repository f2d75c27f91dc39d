package io.gearworker.worker.http.dashboard;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the fleet looked like at one refresh: the gearmand servers, each function per server, each worker, and what
 * the event logs say (or {@code null} without logs).
 */
record FleetSnapshot(Instant time, List<Server> servers, List<FunctionQueue> functions, List<WorkerView> workers,
                     EventFigures events) {

    /** A gearmand server and whether its admin commands answered. */
    record Server(String server, boolean reachable, String error) {
    }

    /**
     * A function on one server: jobs waiting for a worker, jobs running, workers registered for it (distinct worker
     * ids; a connection without an id counts as one) and worker connections (gearmand's own count in
     * {@code status}: a worker with N job slots has N).
     */
    record FunctionQueue(String function, String server, int queued, int running, int workers, int connections) {

        /** Jobs wait and no worker is there to take them. */
        @JsonProperty
        boolean noWorker() {
            return queued > 0 && connections == 0;
        }
    }
}
