package io.gearworker.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** Golden lines: the exact format of every event (field names and order) that scripts and people read. */
class EventLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T09:30:00.123456789Z"), ZoneOffset.UTC);
    private static final String PREFIX = "{\"ts\":\"2026-12-03T09:30:00.123456789Z\",\"worker\":\"w-1\",\"event\":";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(out, "w-1", 4242, CLOCK);
    private final EventLog.Job job = new EventLog.Job("sleep", "H:vm:4", "127.0.0.1:4730", "run-7");
    private final EventLog.Job noUnique = new EventLog.Job("reverse", "H:vm:5", "127.0.0.1:4731", null);

    private String[] lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return text.split("\n");
    }

    @Test
    void everyEventHasItsExactLine() {
        log.ready(4242, "vm", "127.0.0.1:4730,127.0.0.1:4731", "reverse,sleep", null);
        log.ready(4242, "vm", "127.0.0.1:4730", "reverse", "127.0.0.1:9101");
        log.jobStarted(job);
        log.jobEnded(job);
        log.jobStarted(noUnique);
        log.jobFailed(noUnique, "boom");
        log.jobHandedBack(job, "connection to gearmand lost: reset; the result may not have arrived");
        log.stopping("sigterm", 3);
        log.exit("sigterm", 4, 0);

        assertThat(lines()).containsExactly(
                PREFIX + "\"ready\",\"pid\":4242,\"host\":\"vm\",\"servers\":\"127.0.0.1:4730,127.0.0.1:4731\","
                + "\"functions\":\"reverse,sleep\"}",
                PREFIX + "\"ready\",\"pid\":4242,\"host\":\"vm\",\"servers\":\"127.0.0.1:4730\","
                + "\"functions\":\"reverse\",\"http\":\"127.0.0.1:9101\"}",
                PREFIX + "\"job_started\",\"function\":\"sleep\",\"handle\":\"H:vm:4\",\"server\":\"127.0.0.1:4730\","
                + "\"unique\":\"run-7\"}",
                PREFIX + "\"job_ended\",\"function\":\"sleep\",\"handle\":\"H:vm:4\",\"server\":\"127.0.0.1:4730\","
                + "\"unique\":\"run-7\"}",
                PREFIX + "\"job_started\",\"function\":\"reverse\",\"handle\":\"H:vm:5\","
                + "\"server\":\"127.0.0.1:4731\"}",
                PREFIX + "\"job_failed\",\"function\":\"reverse\",\"handle\":\"H:vm:5\",\"server\":\"127.0.0.1:4731\","
                + "\"error\":\"boom\"}",
                PREFIX + "\"job_handed_back\",\"function\":\"sleep\",\"handle\":\"H:vm:4\","
                + "\"server\":\"127.0.0.1:4730\",\"unique\":\"run-7\","
                + "\"error\":\"connection to gearmand lost: reset; the result may not have arrived\"}",
                PREFIX + "\"stopping\",\"reason\":\"sigterm\",\"jobs\":3,\"pid\":4242}",
                PREFIX + "\"exit\",\"reason\":\"sigterm\",\"jobs\":4,\"code\":0,\"pid\":4242}");
    }

    @Test
    void aJobEndedLineSharesTheWriteOfTheNextLine() {
        WriteCounter counted = new WriteCounter();
        // a hold longer than the test: the flusher must not write the held line first, however slow this thread is
        EventLog log = new EventLog(counted, "w-1", 4242, CLOCK, Duration.ofMinutes(1).toMillis());
        log.jobStarted(job);
        log.jobEnded(job);
        log.jobStarted(noUnique);

        assertThat(counted.writes).as("job_started, then job_ended with the next job_started").containsExactly(
                PREFIX + "\"job_started\",\"function\":\"sleep\",\"handle\":\"H:vm:4\",\"server\":\"127.0.0.1:4730\","
                + "\"unique\":\"run-7\"}\n",
                PREFIX + "\"job_ended\",\"function\":\"sleep\",\"handle\":\"H:vm:4\",\"server\":\"127.0.0.1:4730\","
                + "\"unique\":\"run-7\"}\n"
                + PREFIX + "\"job_started\",\"function\":\"reverse\",\"handle\":\"H:vm:5\","
                + "\"server\":\"127.0.0.1:4731\"}\n");
    }

    @Test
    void aJobEndedLineWithNoLineAfterItIsWrittenSoonAnyway() {
        WriteCounter counted = new WriteCounter();
        EventLog log = new EventLog(counted, "w-1", 4242, CLOCK);
        log.jobEnded(job);
        // HOLD_MILLIS on a quiet machine; the limit leaves room for a loaded one
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(counted.writes).containsExactly(
                PREFIX + "\"job_ended\",\"function\":\"sleep\",\"handle\":\"H:vm:4\",\"server\":\"127.0.0.1:4730\","
                + "\"unique\":\"run-7\"}\n"));

        log.jobEnded(noUnique); // again after the flusher went idle: it is woken
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(counted.writes).hasSize(2));
    }

    /** An output stream that keeps each write call's bytes as one string. */
    private static final class WriteCounter extends OutputStream {
        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theEventNamesAndFieldKeysAreTheContractsOwn() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName)).containsExactly("ready",
                "job_started", "job_ended", "job_failed", "job_handed_back", "stopping", "exit");
        assertThat(Arrays.stream(EventField.values()).map(EventField::key)).containsExactly("ts", "worker", "event",
                "function", "handle", "server", "unique", "reason", "jobs", "code", "pid", "host", "servers",
                "functions", "error", "http");
        assertThat(EventType.named("job_handed_back")).contains(EventType.JOB_HANDED_BACK);
        assertThat(EventType.named("future_event")).isEmpty();
    }

    @Test
    void textIsEscapedSoALineStaysOneLine() {
        log.jobFailed(noUnique, "line one\nline \"two\"");
        assertThat(lines()).containsExactly(PREFIX + "\"job_failed\",\"function\":\"reverse\",\"handle\":\"H:vm:5\","
                + "\"server\":\"127.0.0.1:4731\",\"error\":\"line one\\nline \\\"two\\\"\"}");
    }
}
