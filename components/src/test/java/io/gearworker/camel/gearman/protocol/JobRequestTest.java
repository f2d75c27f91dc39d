package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/** A submission's defaults: what a missing workload, unique id or priority becomes. */
class JobRequestTest {

    @Test
    void missingPartsGetTheirDefaults() {
        JobRequest job = new JobRequest("reverse", null, null, null, false);

        assertThat(job.workload()).isEmpty();
        assertThat(job.uniqueId()).as("empty lets gearmand generate one").isEmpty();
        assertThat(job.priority()).isEqualTo(JobPriority.NORMAL);
    }

    @Test
    void givenPartsAreKept() {
        byte[] workload = {1, 0, 2};
        JobRequest job = new JobRequest("reverse", workload, "u-1", JobPriority.HIGH, true);

        assertThat(job.workload()).containsExactly(1, 0, 2);
        assertThat(job.uniqueId()).isEqualTo("u-1");
        assertThat(job.priority()).isEqualTo(JobPriority.HIGH);
        assertThat(job.background()).isTrue();
    }

    @Test
    void factoriesSetTheMode() {
        assertThat(JobRequest.foreground("f", null).background()).isFalse();
        assertThat(JobRequest.background("f", null).background()).isTrue();
        assertThat(JobRequest.background("f", null).priority()).isEqualTo(JobPriority.NORMAL);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void functionIsRequired(String function) {
        assertThatThrownBy(() -> JobRequest.foreground(function, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("function");
    }
}
