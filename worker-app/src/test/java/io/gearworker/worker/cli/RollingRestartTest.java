package io.gearworker.worker.cli;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RollingRestartTest {

    private static final WorkersCommand.Worker OLD = worker(Set.of("_worker_w1", "reverse", "sleep"), "s#7", "s#8");

    @Test
    void backWhenTheIdServesEveryFunctionTheOldProcessServed() {
        assertThat(RollingRestart.isBack(OLD, worker(Set.of("_worker_w1", "reverse", "sleep", "upper"), "s#9")))
                .isTrue();
        // gearmand reuses connection numbers: a new process on the old numbers is back all the same
        assertThat(RollingRestart.isBack(OLD, worker(Set.of("_worker_w1", "reverse", "sleep"), "s#7"))).isTrue();
    }

    @Test
    void notBackWhileAbsentOrStillRegisteringItsFunctions() {
        assertThat(RollingRestart.isBack(OLD, null)).isFalse();
        assertThat(RollingRestart.isBack(OLD, worker(Set.of("_worker_w1", "reverse"), "s#9"))).isFalse();
    }

    @Test
    void aBatchSmallerThanOneIsRefused() {
        assertThatThrownBy(() -> new RollingRestart(null, List.of(), null, 0, null, System.out, System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
    }

    private static WorkersCommand.Worker worker(Set<String> functions, String... connections) {
        return new WorkersCommand.Worker("w1", Set.of("s"), functions, Set.of(connections));
    }
}
