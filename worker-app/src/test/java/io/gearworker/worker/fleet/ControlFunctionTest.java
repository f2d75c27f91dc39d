package io.gearworker.worker.fleet;

import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ControlFunctionTest {

    @Test
    void theControlFunctionIsTheSeedsNamingOfTheWorkerId() {
        assertThat(new ControlFunction("w1").name()).isEqualTo("_worker_w1");
        assertThat(ControlFunction.isControl("_worker_w1")).isTrue();
        assertThat(ControlFunction.isControl("reverse")).isFalse();
    }

    @Test
    void aWorkerTakesControlCommandsOnlyOnItsOwnControlFunction() {
        Worker w = new Worker("w1", Set.of("s"), Set.of(), Set.of("_worker_w2", "reverse"), Set.of("s#1"));
        assertThat(w.hasControlFunction()).isFalse();
        assertThat(w.jobFunctions()).containsExactly("reverse");
    }
}
