package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.JOB_ENDED;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code run --routes}: job types added as YAML routes without recompiling, and what a bad one does. */
class WorkerYamlRoutesIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void theRepositorysYamlRoutesDirectoryAddsUpper() {
        // the ITs run in worker-app/; routes/yaml is at the repository root
        Path routes = Path.of("..", "routes", "yaml");
        assertThat(routes.resolve("upper.camel.yaml")).as("working directory " + Path.of("").toAbsolutePath())
                .isRegularFile();

        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--routes", routes.toString(), "--routes-package", "io.gearworker.routes").start()) {
            WorkerEvent ready = worker.awaitEvent(READY, LIMIT);
            assertThat(List.of(((String) ready.field("functions")).split(",")))
                    .contains("upper", "reverse", "sleep");

            ExternalProcess.Result r = WorkerCli.run(LIMIT, "submit", "--servers", GEARMAND.servers(),
                    "--timeout", "20s", "-f", "upper", "Hello, yaml");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.stdout()).isEqualTo("HELLO, YAML\n");
            assertThat(worker.awaitEvent(JOB_ENDED, LIMIT).function()).isEqualTo("upper");
            // the built-in routes still work beside the YAML ones
            assertThat(Gearman.call(GEARMAND.address(), "reverse", "abc", LIMIT)).isEqualTo("cba");

            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "concurrentConsumers=0, concurrentConsumers", "noSuchOption=1, noSuchOption" })
    void aBadGearmanOptionInAYamlRouteFailsStartUpWithExit2NamingTheOption(String option, String named,
            @TempDir Path dir) throws IOException {
        String function = Gearman.uniqueFunction("bad");
        Path yaml = dir.resolve("bad.camel.yaml");
        Files.writeString(yaml, """
                - route:
                    id: badroute
                    from:
                      uri: "gearman:%s?%s"
                      steps:
                        - setBody:
                            constant: never
                """.formatted(function, option));

        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--routes", yaml.toString()).start()) {
            int code = worker.awaitExit(LIMIT);

            assertThat(code).as(worker.diagnostics()).isEqualTo(2);
            String stderr = worker.stderr();
            List<String> message = stderr.lines().filter(l -> l.contains(named)).toList();
            assertThat(message).as("one line naming the option in\n" + stderr).hasSize(1);
            assertThat(message.get(0)).startsWith("gearman-worker: bad configuration:")
                    .contains("badroute", yaml.getFileName().toString(), option);
            assertThat(stderr).as("a clear message, not a stack trace").doesNotContain("\tat ");
            List<WorkerEvent> events = worker.events();
            assertThat(events).extracting(WorkerEvent::type).containsExactly(EXIT);
            assertThat(events.get(0).reason()).isEqualTo("error");
            assertThat(events.get(0).code()).isEqualTo(2);
        }
    }
}
