package io.gearworker.worker.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gearworker.worker.report.EventReport.Event;

/**
 * What the event logs say happened lately, for a live view: jobs finished (ended or failed) per time bucket over a
 * recent window, and the latest worker exits. Pure logic over the events an {@link EventLogTail} has read.
 */
public final class JobTimeline {

    /** One worker exit: when, which worker, why. */
    public record Exit(Instant ts, String worker, String reason) {
    }

    /**
     * @param bucketEnd end of the newest bucket (the {@code now} it was computed for)
     * @param finished  jobs finished per bucket, oldest first
     */
    public record Timeline(Instant bucketEnd, Duration bucket, long[] finished, List<Exit> recentExits) {
    }

    private JobTimeline() {
    }

    /**
     * Jobs finished per {@code bucket} over the {@code window} that ends at {@code now}, and the last
     * {@code exits} worker exits, newest first.
     */
    public static Timeline of(EventLogTail tail, Instant now, Duration window, Duration bucket, int exits) {
        int buckets = (int) Math.max(1, window.toMillis() / bucket.toMillis());
        long[] finished = new long[buckets];
        Instant start = now.minus(bucket.multipliedBy(buckets));
        List<Exit> latest = new ArrayList<>();
        List<Event> events = tail.events();
        for (Event e : events) {
            if (e.type() == null) {
                continue; // an event this version does not know
            }
            switch (e.type()) {
                case JOB_ENDED, JOB_FAILED -> {
                    if (!e.ts().isBefore(start) && e.ts().isBefore(now)) {
                        finished[(int) (Duration.between(start, e.ts()).toMillis() / bucket.toMillis())]++;
                    }
                }
                case EXIT -> latest.add(new Exit(e.ts(), e.worker(), e.reason() != null ? e.reason() : "unknown"));
                default -> {
                    // other events do not show on the timeline
                }
            }
        }
        List<Exit> newestFirst = latest.stream()
                .sorted((a, b) -> b.ts().compareTo(a.ts()))
                .limit(exits)
                .toList();
        return new Timeline(now, bucket, finished, newestFirst);
    }
}
