package io.gearworker.worker.runtime;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A worker's validated settings, as the run command resolved them. {@code httpPort} is {@code null} when the HTTP
 * endpoint (metrics, health) is off, 0 for any free port. {@code routesPackage} is {@code null} when only YAML
 * routes were given: no package is scanned.
 */
public record WorkerSettings(String servers, String workerId, Path routes, String routesPackage, int concurrency,
                             Duration shutdownTimeout, RestartLimits limits, String controlSecret, boolean jmx,
                             String httpHost, Integer httpPort) {

    @Override
    public String toString() {
        // the secret stays out of every log line
        return "WorkerSettings[servers=" + servers + ", workerId=" + workerId + ", routes=" + routes
               + ", routesPackage=" + routesPackage + ", concurrency=" + concurrency + ", shutdownTimeout="
               + shutdownTimeout + ", limits=" + limits + ", jmx=" + jmx + ", http="
               + (httpPort == null ? "off" : httpHost + ":" + httpPort) + "]";
    }
}
