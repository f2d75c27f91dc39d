package io.gearworker.worker;

import java.nio.file.Path;
import java.time.Duration;

/** A worker's validated settings, as the run command resolved them. */
record WorkerSettings(String servers, String workerId, Path routes, int concurrency, Duration shutdownTimeout,
                      RestartLimits limits) {
}
