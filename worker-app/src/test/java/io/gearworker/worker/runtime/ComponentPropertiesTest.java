package io.gearworker.worker.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ComponentPropertiesTest {

    @Test
    void aNumberThatDoesNotFitTheOptionIsRefusedNotNarrowed() {
        assertThat(ComponentProperties.problem("camel.component.gearman.max-payload-size", "4294967297"))
                .startsWith("not a whole number from ");
        assertThat(ComponentProperties.problem("camel.component.gearman.maxPayloadSize", "2147483648")).isNotNull();
        assertThat(ComponentProperties.problem("camel.component.gearman.max-payload-size", "1048576")).isNull();
    }

    @Test
    void aLongOptionTakesMillisecondsOrADurationButNotText() {
        assertThat(ComponentProperties.problem("camel.component.gearman.connect-timeout", "abc")).isNotNull();
        assertThat(ComponentProperties.problem("camel.component.gearman.connect-timeout", "5000")).isNull();
        assertThat(ComponentProperties.problem("camel.component.gearman.connect-timeout", "5s")).isNull();
        assertThat(ComponentProperties.problem("camel.component.gearman.send-exceptions", "yes"))
                .isEqualTo("not true or false");
    }

    @Test
    void aMisspeltComponentPrefixIsRefused() {
        assertThat(ComponentProperties.problem("camel.component.gearmn.connect-timeout", "5"))
                .isEqualTo("no component 'gearmn' on the class path (the gearman component is 'gearman')");
    }

    @Test
    void theFirstProblemNamesPropertyValueAsWrittenAndSource(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, "camel.component.gearman.send-exceptions = true\n"
                                + "camel.component.gearman.max-payload-size = 4294967297\n");
        assertThat(ComponentProperties.problem(file)).startsWith(
                "camel.component.gearman.max-payload-size = 4294967297 (application.properties): not a whole number");
        Files.writeString(file, "camel.component.gearman.max-payload-size = 1048576\n");
        assertThat(ComponentProperties.problem(file)).isNull();
    }
}
