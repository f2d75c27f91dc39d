package io.gearworker.worker.http.dashboard;

import java.util.List;
import java.util.Map;

/**
 * What the event logs say over the window: the figures of {@code report}, the throughput chart and the latest
 * exits.
 *
 * @param windowS how far back the figures look, in seconds
 */
record EventFigures(List<String> logs, long windowS, long started, long ended, long failed, long inFlight,
                    long handedBack, long runTwice, long lost, double jobLoad, long workerExits, long workersRunning,
                    Map<String, Long> exitsByReason, long garbledLines, Throughput throughput,
                    List<Exit> recentExits) {

    /** Jobs finished per second in each bucket of the chart, oldest first. */
    record Throughput(long bucketS, List<Double> jobsPerS) {
    }

    /** A worker process that exited, and why. */
    record Exit(String ts, String worker, String reason) {
    }
}
