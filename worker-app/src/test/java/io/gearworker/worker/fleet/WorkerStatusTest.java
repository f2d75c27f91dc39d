package io.gearworker.worker.fleet;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerStatusTest {

    /** The answer as workers have always written it: field names, order and the limits set only. */
    private static final String ANSWER = "{\"id\":\"w1\",\"pid\":4242,\"state\":\"running\",\"uptime_s\":12,"
                                         + "\"jobs_done\":7,\"in_flight\":1,\"slots\":2,\"servers\":\"127.0.0.1:4730\","
                                         + "\"functions\":[\"reverse\",\"sleep\"],\"limits\":{\"max_jobs\":100,"
                                         + "\"jobs_left\":93,\"max_memory_bytes\":536870912}}";

    private static final WorkerStatus STATUS = new WorkerStatus("w1", 4242L, "running", 12L, 7L, 1, 2,
            "127.0.0.1:4730", List.of("reverse", "sleep"),
            new WorkerStatus.Limits(100L, 93L, null, null, 536870912L));

    @Test
    void writesTheAnswerByteForByte() {
        assertThat(STATUS.toJson()).isEqualTo(ANSWER);
    }

    @Test
    void theWorkersStreamedAnswerIsWhatTheMapperWrites() throws IOException {
        List<WorkerStatus> statuses = List.of(STATUS,
                new WorkerStatus("w2", 1L, "stopping", 0L, 0L, 0, 1, "s", List.of(),
                        new WorkerStatus.Limits(null, null, 60L, 3L, null)),
                new WorkerStatus("w\"3", null, null, null, null, null, null, null, null, null));
        for (WorkerStatus s : statuses) {
            assertThat(s.toJson()).isEqualTo(Wire.json().writeValueAsString(s));
        }
    }

    @Test
    void readsWhatItWrites() throws IOException {
        assertThat(WorkerStatus.parse(ANSWER)).isEqualTo(STATUS);
    }

    @Test
    void noLimitSetIsAnEmptyObject() {
        WorkerStatus s = new WorkerStatus("w1", 1L, "quiet", 0L, 0L, 0, 1, "s", List.of(),
                new WorkerStatus.Limits(null, null, null, null, null));
        assertThat(s.toJson()).endsWith("\"functions\":[],\"limits\":{}}");
    }

    @Test
    void whatAnAnswerLacksIsNullAndWhatItAddsIsIgnored() throws IOException {
        WorkerStatus s = WorkerStatus.parse("{\"id\":\"w1\",\"state\":\"stopping\",\"something_new\":[1]}");
        assertThat(s.state()).isEqualTo("stopping");
        assertThat(s.pid()).isNull();
        assertThat(s.limits()).isNull();
    }

    @Test
    void anAnswerThatIsNoStatusIsAnIoError() {
        assertThatThrownBy(() -> WorkerStatus.parse("ok")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WorkerStatus.parse("{\"id\":")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> WorkerStatus.parse("{} {}")).isInstanceOf(IOException.class);
    }
}
