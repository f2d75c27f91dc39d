package io.gearworker.worker.runtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayGuardTest {

    @Test
    void aNonceIsGoodOnceWithinTheWindowAndForgottenAfterIt() {
        ReplayGuard guard = new ReplayGuard();

        assertThat(guard.refusal("n1", 1000, 1000)).isNull();
        assertThat(guard.refusal("n1", 1000, 1030)).isEqualTo("replayed");
        assertThat(guard.refusal("n2", 1000, 1061)).startsWith("its time is more than 60 s");
        assertThat(guard.refusal("n3", 1101, 1040)).as("ahead of the clock too").isNotNull();
        assertThat(guard.refusal("n4", 1060, 1000)).as("60 s of skew is allowed").isNull();
    }

    @Test
    void memoryIsBoundedAndFreesAsNoncesExpire() {
        ReplayGuard guard = new ReplayGuard();
        for (int i = 0; i < ReplayGuard.MAX_NONCES; i++) {
            assertThat(guard.refusal("n" + i, 1000, 1000)).isNull();
        }
        assertThat(guard.refusal("one-more", 1000, 1000)).startsWith("too many commands");
        assertThat(guard.refusal("later", 1070, 1070)).as("the old ones expired").isNull();
    }
}
