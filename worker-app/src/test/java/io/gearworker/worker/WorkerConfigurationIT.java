package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration error stops the worker with exit 2 and one line naming the option and its value as written:
 * never a narrowed number, a value Camel made up, or a stack trace with exit 1.
 */
class WorkerConfigurationIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "camel.component.gearman.max-payload-size = 4294967297 | camel.component.gearman.max-payload-size = 4294967297",
        "camel.component.gearman.max-payload-size = 2147483648 | camel.component.gearman.max-payload-size = 2147483648",
        "camel.component.gearman.connect-timeout = abc         | camel.component.gearman.connect-timeout = abc",
        "camel.component.gearmn.connect-timeout = 5            | no component 'gearmn'",
        "fanout.max-in-flight = 0                              | property fanout.max-in-flight = 0",
    })
    void aBadSettingExitsTwoWithOneLineQuotingTheValueAsWritten(String property, String expected)
            throws IOException {
        Files.writeString(dir.resolve("application.properties"), property + "\n");
        try (WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers()).workingDirectory(dir).start()) {
            assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isEqualTo(2);
            assertThat(w.stderr()).as(w.diagnostics())
                    .contains("gearman-worker: bad configuration: ")
                    .contains(expected)
                    .doesNotContain("\tat ")
                    .doesNotContain(" ERROR ");
            assertThat(w.stderr().lines().filter(l -> l.contains("bad configuration"))).hasSize(1);
        }
    }
}
