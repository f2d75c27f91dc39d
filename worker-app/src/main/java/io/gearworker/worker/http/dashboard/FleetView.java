package io.gearworker.worker.http.dashboard;

import java.util.List;

/** {@code GET /api/fleet}: the latest snapshot of the fleet with the state of the actions. */
record FleetView(String time, List<FleetSnapshot.Server> servers, List<FleetSnapshot.FunctionQueue> functions,
                 List<WorkerView> workers, EventFigures events, FleetActions.State actions) {

    static FleetView of(FleetSnapshot s, FleetActions.State actions) {
        return new FleetView(s.time().toString(), s.servers(), s.functions(), s.workers(), s.events(), actions);
    }
}
