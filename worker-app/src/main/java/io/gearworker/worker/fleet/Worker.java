package io.gearworker.worker.fleet;

import java.util.Set;

/**
 * A worker as gearmand's admin {@code workers} shows it, over all servers. {@code connections}
 * ({@code server#fd}) identify this process's registrations: a respawned process with the same id comes back on new
 * connections.
 *
 * @param hosts the addresses its connections come from
 */
public record Worker(String id, Set<String> servers, Set<String> hosts, Set<String> functions,
                     Set<String> connections) {

    public ControlFunction controlFunction() {
        return new ControlFunction(id);
    }

    /** Whether it registered its control function, so it takes control commands. */
    public boolean hasControlFunction() {
        return functions.contains(controlFunction().name());
    }

    /** Its functions without the control function: the work it takes. */
    public Set<String> jobFunctions() {
        Set<String> jobs = new java.util.TreeSet<>(functions);
        jobs.removeIf(ControlFunction::isControl);
        return jobs;
    }
}
