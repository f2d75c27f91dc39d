package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A plain camel-main application whose gearman component is configured only by application.properties. */
class GearmanCamelMainIT {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    @Test
    void componentOptionsComeFromApplicationProperties(@TempDir Path dir) throws Exception {
        String function = Gearman.uniqueFunction("main_app");
        Path properties = Files.writeString(dir.resolve("application.properties"), """
                camel.component.gearman.servers = %s
                camel.component.gearman.concurrent-consumers = 4
                camel.component.gearman.workerId = main-app-worker
                camel.health.enabled = true
                """.formatted(gearmand.servers()));

        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + properties);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + function).routeId("hello").transform(simple("hello ${body}"));
            }
        });
        main.start();
        try {
            assertThat(Gearman.call(gearmand.address(), function, "main", Duration.ofSeconds(20)))
                    .isEqualTo("hello main");
            // four job slots: one registered connection each, all under the configured worker id
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    Gearman.workersOf(gearmand.address(), function)).containsExactly(
                    "main-app-worker", "main-app-worker", "main-app-worker", "main-app-worker"));
            // with camel.health.enabled, readiness includes the consumer's check ("full": UP checks listed too)
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    HealthCheckHelper.invokeReadiness(main.getCamelContext(), "full"))
                    .anySatisfy(r -> {
                        assertThat(r.getCheck().getId()).isEqualTo("consumer:hello");
                        assertThat(r.getState()).isEqualTo(HealthCheck.State.UP);
                    }));
        } finally {
            main.stop();
        }
    }
}
