package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import java.util.stream.Stream;

import io.gearworker.camel.gearman.protocol.ServerAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GearmanConfiguration#validate()}: each bad option is named, with what it may be. */
class GearmanConfigurationTest {

    private static GearmanConfiguration valid() {
        GearmanConfiguration cfg = new GearmanConfiguration();
        cfg.setFunctionName("reverse");
        return cfg;
    }

    @Test
    void defaultsWithAFunctionNameAreValid() {
        GearmanConfiguration cfg = valid();

        assertThatCode(cfg::validate).doesNotThrowAnyException();
        assertThat(cfg.serverList()).containsExactly(new ServerAddress("127.0.0.1", 4730));
    }

    @Test
    void boundaryValuesAreAccepted() {
        GearmanConfiguration cfg = valid();
        cfg.setConcurrentConsumers(1);
        cfg.setCanDoTimeout(0);
        cfg.setTimeout(0);
        cfg.setConnectTimeout(1);
        cfg.setReconnectDelay(500);
        cfg.setMaxReconnectDelay(500);
        cfg.setMaxPayloadSize(1);
        cfg.setWorkerId("host-1234");
        cfg.setServers("a:1, b");

        assertThatCode(cfg::validate).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidOptions")
    void invalidOptionIsNamedWithWhatIsAllowed(String option, Consumer<GearmanConfiguration> change, String allowed) {
        GearmanConfiguration cfg = valid();
        change.accept(cfg);

        assertThatThrownBy(cfg::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option " + option + "=")
                .hasMessageContaining("allowed: " + allowed);
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                bad("functionName", c -> c.setFunctionName(null), "a non-empty function name"),
                bad("functionName", c -> c.setFunctionName(""), "a non-empty function name"),
                bad("functionName", c -> c.setFunctionName("rev\0erse"), "a non-empty function name"),
                bad("concurrentConsumers", c -> c.setConcurrentConsumers(0), "an integer >= 1"),
                bad("concurrentConsumers", c -> c.setConcurrentConsumers(-3), "an integer >= 1"),
                bad("canDoTimeout", c -> c.setCanDoTimeout(-1), "seconds >= 0"),
                bad("timeout", c -> c.setTimeout(-1), "milliseconds >= 0"),
                bad("connectTimeout", c -> c.setConnectTimeout(0), "milliseconds > 0"),
                bad("answerTimeout", c -> c.setAnswerTimeout(-1), "milliseconds > 0 (0: the default)"),
                bad("heartbeatInterval", c -> c.setHeartbeatInterval(0), "milliseconds > 0"),
                bad("reconnectDelay", c -> c.setReconnectDelay(0), "milliseconds > 0"),
                bad("maxReconnectDelay", c -> {
                    c.setReconnectDelay(500);
                    c.setMaxReconnectDelay(499);
                }, "milliseconds >= reconnectDelay (500)"),
                bad("maxPayloadSize", c -> c.setMaxPayloadSize(0), "bytes > 0"),
                bad("workerId", c -> c.setWorkerId(""), "a non-empty id without spaces"),
                bad("workerId", c -> c.setWorkerId("   "), "a non-empty id without spaces"),
                bad("workerId", c -> c.setWorkerId("my worker"), "a non-empty id without spaces"),
                bad("workerId", c -> c.setWorkerId("worker\t1"), "a non-empty id without spaces"));
    }

    private static Arguments bad(String option, Consumer<GearmanConfiguration> change, String allowed) {
        return Arguments.of(option, change, allowed);
    }

    @Test
    void messageShowsTheRejectedValue() {
        GearmanConfiguration cfg = valid();
        cfg.setConcurrentConsumers(0);

        assertThatThrownBy(cfg::validate).hasMessageContaining("concurrentConsumers=0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "gear1:abc", "gear1:0", "gear1:70000", "a:1,,b:2", ":4730"})
    void badServersNameTheOptionAndTheExpectedForm(String servers) {
        GearmanConfiguration cfg = valid();
        cfg.setServers(servers);

        assertThatThrownBy(cfg::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option servers='" + servers + "'")
                .hasMessageContaining("host:port[,host:port")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullServersAreRejectedLikeEmptyOnes() {
        GearmanConfiguration cfg = valid();
        cfg.setServers(null);

        assertThatThrownBy(cfg::validate)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option servers=");
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        GearmanConfiguration original = valid();
        GearmanConfiguration copy = original.copy();

        copy.setConcurrentConsumers(5);
        copy.setServers("other:1");

        assertThat(original.getConcurrentConsumers()).isEqualTo(1);
        assertThat(original.getServers()).isEqualTo("127.0.0.1:4730");
        assertThat(copy.getFunctionName()).isEqualTo("reverse");
    }

    @Test
    void answerTimeoutIs2000MillisWhenNeitherItNorConnectTimeoutIsSet() {
        GearmanConfiguration cfg = valid();

        assertThat(cfg.effectiveAnswerTimeout()).isEqualTo(2000);
        assertThat(cfg.liveness().bound()).hasMillis(10_000 + 2000);
    }

    @Test
    void answerTimeoutFollowsAConnectTimeoutSetAloneAsBeforeTheOptionExisted() {
        GearmanConfiguration cfg = valid();
        cfg.setConnectTimeout(7000);

        assertThat(cfg.effectiveAnswerTimeout()).isEqualTo(7000);
        assertThat(cfg.copy().effectiveAnswerTimeout()).as("a copy, as each endpoint gets").isEqualTo(7000);
    }

    @Test
    void aConnectTimeoutSetToItsDefaultLeavesTheAnswerTimeoutAtItsOwn() {
        GearmanConfiguration cfg = valid();
        cfg.setConnectTimeout(3000); // as a binder that sets every option (a Spring Boot starter) does

        assertThat(cfg.effectiveAnswerTimeout()).isEqualTo(2000);
    }

    @Test
    void anAnswerTimeoutSetItselfWinsOverConnectTimeout() {
        GearmanConfiguration cfg = valid();
        cfg.setConnectTimeout(7000);
        cfg.setAnswerTimeout(800);
        cfg.setHeartbeatInterval(5000);

        assertThat(cfg.liveness().answerTimeout()).hasMillis(800);
        assertThat(cfg.liveness().connectTimeout()).hasMillis(7000);
        assertThat(cfg.liveness().bound()).hasMillis(5800);
    }
}
