package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code priority} option's values and the SUBMIT packet each one selects. */
class JobPriorityTest {

    @ParameterizedTest
    @CsvSource({"low,LOW", "LOW,LOW", "Normal,NORMAL", "nOrMaL,NORMAL", "HIGH,HIGH", "' high ',HIGH"})
    void parseIsCaseInsensitiveAndTrims(String text, JobPriority expected) {
        assertThat(JobPriority.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "urgent", "hi", "normal-ish", "1"})
    void badValueListsTheAllowedOnes(String text) {
        assertThatThrownBy(() -> JobPriority.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("low, normal, high");
    }

    @Test
    void toStringIsTheLowerCaseOptionValueAndParsesBack() {
        for (JobPriority p : JobPriority.values()) {
            assertThat(p.toString()).isEqualTo(p.name().toLowerCase());
            assertThat(JobPriority.parse(p.toString())).isSameAs(p);
        }
    }

    @Test
    void eachPrioritySelectsItsOwnSubmitPacket() {
        assertThat(JobPriority.LOW.packetType(false)).isEqualTo(PacketType.SUBMIT_JOB_LOW);
        assertThat(JobPriority.LOW.packetType(true)).isEqualTo(PacketType.SUBMIT_JOB_LOW_BG);
        assertThat(JobPriority.NORMAL.packetType(false)).isEqualTo(PacketType.SUBMIT_JOB);
        assertThat(JobPriority.NORMAL.packetType(true)).isEqualTo(PacketType.SUBMIT_JOB_BG);
        assertThat(JobPriority.HIGH.packetType(false)).isEqualTo(PacketType.SUBMIT_JOB_HIGH);
        assertThat(JobPriority.HIGH.packetType(true)).isEqualTo(PacketType.SUBMIT_JOB_HIGH_BG);
    }
}
