package io.gearworker.worker.cli;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDefaultsTest {

    private static final OptionSpec JITTER = OptionSpec.builder("--max-lifetime-jitter", "--jitter")
            .defaultValue("0s").build();

    @Test
    void anOptionsOlderNameStillWorksInTheEnvironmentAndTheFile() {
        assertThat(defaults(Map.of("GEARMAN_JITTER", "5s"), Map.of()).defaultValue(JITTER)).isEqualTo("5s");
        assertThat(defaults(Map.of(), Map.of("gearman.jitter", "7s")).defaultValue(JITTER)).isEqualTo("7s");
        assertThat(defaults(Map.of(), Map.of()).defaultValue(JITTER)).isEqualTo("0s");
    }

    @Test
    void theCurrentNameWinsOverTheOlderAndTheEnvironmentOverTheFile() {
        assertThat(defaults(Map.of("GEARMAN_JITTER", "5s", "GEARMAN_MAX_LIFETIME_JITTER", "6s"), Map.of())
                .defaultValue(JITTER)).isEqualTo("6s");
        assertThat(defaults(Map.of(), Map.of("gearman.jitter", "7s", "gearman.max-lifetime-jitter", "8s"))
                .defaultValue(JITTER)).isEqualTo("8s");
        assertThat(defaults(Map.of("GEARMAN_JITTER", "5s"), Map.of("gearman.max-lifetime-jitter", "8s"))
                .defaultValue(JITTER)).isEqualTo("5s");
    }

    private static ConfigDefaults defaults(Map<String, String> env, Map<String, String> file) {
        Properties p = new Properties();
        p.putAll(file);
        return new ConfigDefaults(env, p, option -> true);
    }
}
