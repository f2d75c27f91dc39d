package io.gearworker.worker.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class JobTimelineTest {

    @TempDir
    Path dir;

    @Test
    void countsFinishedJobsPerBucketAndListsTheLatestExitsFirst() throws IOException {
        Instant now = Instant.parse("2026-12-03T10:00:30Z");
        Path log = dir.resolve("w.events.log");
        Files.writeString(log, String.join("\n",
                line("09:59:59.000", "w1", "job_ended", "\"handle\":\"H:1\""),      // before the window
                line("10:00:00.000", "w1", "job_ended", "\"handle\":\"H:2\""),      // first bucket
                line("10:00:09.999", "w1", "job_failed", "\"handle\":\"H:3\""),     // first bucket
                line("10:00:10.000", "w1", "job_started", "\"handle\":\"H:4\""),    // not a finished job
                line("10:00:25.000", "w2", "job_ended", "\"handle\":\"H:5\""),      // last bucket
                line("10:00:05.000", "w1", "exit", "\"reason\":\"max-jobs\""),
                line("10:00:20.000", "w2", "exit", "\"reason\":\"terminate\""),
                line("10:00:21.000", "w3", "exit", "\"reason\":\"sigterm\"")) + "\n");
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(true);

        JobTimeline.Timeline t = JobTimeline.of(tail, now, Duration.ofSeconds(30), Duration.ofSeconds(10), 2);

        assertThat(t.finished()).containsExactly(2, 0, 1);
        assertThat(t.recentExits()).containsExactly(
                new JobTimeline.Exit(Instant.parse("2026-12-03T10:00:21Z"), "w3", "sigterm"),
                new JobTimeline.Exit(Instant.parse("2026-12-03T10:00:20Z"), "w2", "terminate"));
    }

    @Test
    void aTailForgetsTheEventsBeforeACutoffAndReadsOnAsBefore() throws IOException {
        Path log = dir.resolve("w.events.log");
        Files.writeString(log, line("10:00:00.000", "w1", "job_ended", "\"handle\":\"H:1\"") + "\n"
                               + line("10:00:20.000", "w1", "job_ended", "\"handle\":\"H:2\"") + "\n");
        EventLogTail tail = new EventLogTail(List.of(log));
        tail.poll(false);

        tail.forgetBefore(Instant.parse("2026-12-03T10:00:10Z"));
        assertThat(tail.events()).extracting(EventReport.Event::handle).containsExactly("H:2");

        Files.writeString(log, line("10:00:30.000", "w1", "job_ended", "\"handle\":\"H:3\"") + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        tail.poll(false);
        assertThat(tail.events()).extracting(EventReport.Event::handle).containsExactly("H:2", "H:3");
    }

    private static String line(String time, String worker, String event, String more) {
        return "{\"ts\":\"2026-12-03T" + time + "Z\",\"worker\":\"" + worker + "\",\"event\":\"" + event + "\","
               + more + "}";
    }
}
