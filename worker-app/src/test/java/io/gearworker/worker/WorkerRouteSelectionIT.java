package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.GearmanTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Examples only when nothing else is given: a worker given its own routes serves those alone (a production worker
 * registers no demo function); given none, it serves the example routes and says so on stderr.
 */
class WorkerRouteSelectionIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String EXAMPLES_NOTICE = "gearman-worker: no job routes given: serving the example routes of"
                                                  + " io.gearworker.routes; give yours with --routes-package PKG";

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aWorkerGivenOnlyYamlRoutesRegistersThoseAndItsControlFunctionAlone(@TempDir Path dir) throws IOException {
        String function = Gearman.uniqueFunction("own");
        Path yaml = dir.resolve("own.camel.yaml");
        Files.writeString(yaml, """
                - route:
                    from:
                      uri: "gearman:%s"
                      steps:
                        - setBody:
                            constant: mine
                """.formatted(function));

        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--routes", yaml.toString()).start()) {
            worker.awaitEvent(READY, LIMIT);
            Set<String> expected = Set.of(function, "_worker_" + worker.workerId());
            await().atMost(LIMIT).untilAsserted(() -> assertThat(functionsOf(worker.workerId())).isEqualTo(expected));
            assertThat(GEARMAND.submit(function, "x")).isEqualTo("mine");
            assertThat(worker.stderr()).doesNotContain(EXAMPLES_NOTICE);

            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @Test
    void aWorkerGivenNoRoutesServesTheExamplesAndSaysSo() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.awaitEvent(READY, LIMIT);
            assertThat(worker.stderr().lines().filter(l -> l.startsWith(EXAMPLES_NOTICE)).toList())
                    .as(worker.stderr()).hasSize(1);
            assertThat(GEARMAND.submit("reverse", "examples")).isEqualTo("selpmaxe");

            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    /** Every function the worker's connections registered with gearmand, as admin {@code workers} lists them. */
    private static Set<String> functionsOf(String workerId) {
        Set<String> functions = new TreeSet<>();
        List<GearmanTestClient.Worker> workers = GEARMAND.workers();
        workers.stream().filter(w -> w.clientId().equals(workerId)).forEach(w -> functions.addAll(w.functions()));
        return functions;
    }
}
