package io.gearworker.worker.fleet;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerminationTest {

    private static final Worker OLD = worker(Set.of("_worker_w1", "reverse", "sleep"), "s#7", "s#8");

    @Test
    void backWhenTheIdServesEveryFunctionTheOldProcessServed() {
        assertThat(Termination.isBack(OLD, worker(Set.of("_worker_w1", "reverse", "sleep", "upper"), "s#9")))
                .isTrue();
        // gearmand reuses connection numbers: a new process on the old numbers is back all the same
        assertThat(Termination.isBack(OLD, worker(Set.of("_worker_w1", "reverse", "sleep"), "s#7"))).isTrue();
    }

    @Test
    void notBackWhileAbsentOrStillRegisteringItsFunctions() {
        assertThat(Termination.isBack(OLD, null)).isFalse();
        assertThat(Termination.isBack(OLD, worker(Set.of("_worker_w1", "reverse"), "s#9"))).isFalse();
    }

    @Test
    void goneWhenNoneOfItsConnectionsIsRegisteredUnderItsIdAnyMore() {
        assertThat(Termination.isGone(OLD, null)).isTrue();
        assertThat(Termination.isGone(OLD, worker(OLD.functions(), "s#9"))).isTrue();
        assertThat(Termination.isGone(OLD, worker(OLD.functions(), "s#8", "s#9"))).isFalse();
    }

    @Test
    void aBatchSmallerThanOneIsRefused() {
        assertThatThrownBy(() -> new RollingRestart(null, null, 0, null, System.out, System.err))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
    }

    private static Worker worker(Set<String> functions, String... connections) {
        return new Worker("w1", Set.of("s"), Set.of("127.0.0.1"), functions, Set.of(connections));
    }
}
