package io.gearworker.worker.http.dashboard;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gearworker.worker.fleet.WorkerStatus;

/**
 * A worker as the dashboard shows it: what gearmand's {@code workers} says (id, host, servers, functions, whether
 * it has a control function), then what its {@code status} says. The status fields are left out when there is no
 * status; {@code status_error} says why.
 *
 * @param servers           the servers it is registered on
 * @param configuredServers the servers it was configured with, from its status
 */
record WorkerView(String id, String host, Long pid, String state, List<String> servers, List<String> functions,
                  boolean control,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long uptimeS,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long jobsDone,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Integer inFlight,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Integer slots,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String configuredServers,
                  @JsonInclude(JsonInclude.Include.NON_NULL) WorkerStatus.Limits limits,
                  String statusError) {

    /** A worker without a status: its state is unknown. */
    static WorkerView withoutStatus(String id, String host, List<String> servers, List<String> functions,
                                    boolean control, String statusError) {
        return new WorkerView(id, host, null, "unknown", servers, functions, control, null, null, null, null, null,
                null, statusError);
    }

    static WorkerView withStatus(String id, String host, List<String> servers, List<String> functions,
                                 WorkerStatus s) {
        return new WorkerView(id, host, s.pid(), s.state(), servers, functions, true, s.uptimeS(), s.jobsDone(),
                s.inFlight(), s.slots(), s.servers(), s.limits(), null);
    }
}
