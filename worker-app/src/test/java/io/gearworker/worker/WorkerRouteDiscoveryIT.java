package io.gearworker.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.discovery.GreetingRoute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job routes are found, not listed: every top-level concrete {@code RouteBuilder} in the {@code --routes-package}
 * packages (default: the routes module's {@code io.gearworker.routes}) is served by the packaged worker, and
 * worker-app names none of them.
 */
class WorkerRouteDiscoveryIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void theRoutesModulesRouteBuildersAreDiscoveredByDefault() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            WorkerEvent ready = worker.awaitEvent(READY, LIMIT);

            assertThat(List.of(((String) ready.field("functions")).split(",")))
                    .contains("reverse", "sleep", "invoice-total");
            assertThat(Gearman.call(GEARMAND.address(), "reverse", "found", LIMIT)).isEqualTo("dnuof");
            // the example route lives in a sub-package, and nothing in worker-app names it
            assertThat(Gearman.call(GEARMAND.address(), "invoice-total",
                    "{\"items\":[{\"sku\":\"a\",\"qty\":3,\"price\":\"0.10\"}],\"currency\":\"EUR\"}", LIMIT))
                    .isEqualTo("{\"currency\":\"EUR\",\"items\":1,\"total\":\"0.30\"}");
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @Test
    void theEnvironmentNarrowsTheScanToOnePackage() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .env("GEARMAN_ROUTES_PACKAGE", "io.gearworker.routes.invoice").start()) {
            WorkerEvent ready = worker.awaitEvent(READY, LIMIT);

            assertThat(ready.field("functions")).isEqualTo("invoice-total");
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @Test
    void aPackageOfAnotherJarOnTheClassPathIsServedWithoutItsHelpers() throws IOException {
        // a team's jar beside the worker: here the test classes, with the worker jar (and its lib/) on -cp
        String classPath = WorkerCli.jar() + ":" + Path.of("target", "test-classes").toAbsolutePath();
        String id = WorkerProcessHandle.uniqueWorkerId("discovery");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(WorkerCli.DEFAULT_JVM_OPTIONS);
        command.addAll(List.of("-cp", classPath, WorkerMain.class.getName(), "run", "--servers", GEARMAND.servers(),
                "--worker-id", id, "--routes-package", GreetingRoute.class.getPackageName()));

        try (ExternalProcess worker = ExternalProcess.start(command.toArray(String[]::new))) {
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!worker.isAlive()) {
                    throw new AssertionError("worker exited: " + worker.await(Duration.ZERO));
                }
                return Gearman.workersOf(GEARMAND.address(), GreetingRoute.FUNCTION).contains(id);
            });

            assertThat(Gearman.call(GEARMAND.address(), GreetingRoute.FUNCTION, "team", LIMIT))
                    .isEqualTo("hello, team");
            // gearmand lists each connection: one per slot and function
            List<String> functions = Gearman.ADMIN.workers(GEARMAND.address()).stream()
                    .filter(w -> w.clientId().equals(id)).flatMap(w -> w.functions().stream()).distinct().toList();
            // only the top-level builder: not the abstract base, nested or anonymous helpers, nor the routes module
            assertThat(functions).containsExactlyInAnyOrder(GreetingRoute.FUNCTION, "_worker_" + id);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "io.gearworker.nosuch           | no such package on the class path",
            "io..gearworker                 | is not a Java package name",
            "'io.gearworker.routes, 1pkg'   | is not a Java package name" })
    void aRoutesPackageThatCannotBeScannedIsAUsageError(String packages, String message) {
        StringWriter err = new StringWriter();
        CommandLine cl = WorkerMain.commandLine();
        cl.setErr(new PrintWriter(err, true));

        int code = cl.execute("run", "--servers", GEARMAND.servers(), "--routes-package", packages);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--routes-package").contains(message);
    }
}
