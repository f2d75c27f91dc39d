package io.gearworker.worker.runtime;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerModeTest {

    @Test
    void runningThenQuietThenRunningAgain() throws Exception {
        WorkerMode mode = new WorkerMode();
        assertThat(mode.state()).isEqualTo(WorkerState.RUNNING);
        assertThat(mode.changeGrabbing(false, () -> { })).isTrue();
        assertThat(mode.state()).isEqualTo(WorkerState.QUIET);
        assertThat(mode.changeGrabbing(true, () -> { })).isTrue();
        assertThat(mode.state()).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void theFirstStopWinsAndNoChangeOfGrabbingRunsAfterIt() throws Exception {
        WorkerMode mode = new WorkerMode();
        mode.changeGrabbing(false, () -> { });
        assertThat(mode.stop("max-jobs")).isTrue();
        assertThat(mode.stop("sigterm")).isFalse();
        assertThat(mode.stopReason()).isEqualTo("max-jobs");
        assertThat(mode.state()).as("stopping wins over quiet").isEqualTo(WorkerState.STOPPING);

        AtomicInteger changes = new AtomicInteger();
        assertThat(mode.changeGrabbing(true, changes::incrementAndGet)).isFalse();
        assertThat(changes).hasValue(0);
        assertThat(mode.stopping()).isTrue();
    }
}
