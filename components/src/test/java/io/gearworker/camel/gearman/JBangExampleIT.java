package io.gearworker.camel.gearman;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * examples/jbang as {@code camel run greet.camel.yaml application.properties} runs it, on camel-main as the Camel CLI
 * does (the CLI itself is not part of the build): the route file loaded by Camel's YAML DSL and the component
 * options read from the example's application.properties; only the server is the test's gearmand.
 */
class JBangExampleIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "jbang").toAbsolutePath().normalize();

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    @Test
    void theExampleRouteServesGreetWithTheExamplesComponentOptions() throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + EXAMPLE.resolve("application.properties"));
        Properties overrides = new Properties();
        overrides.setProperty("camel.component.gearman.servers", gearmand.servers());
        main.setOverrideProperties(overrides);
        main.configure().withRoutesIncludePattern("file:" + EXAMPLE.resolve("greet.camel.yaml"));
        main.start();
        try {
            // concurrent-consumers=2 in the example's application.properties
            await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().connectionsFor("greet") == 2);
            assertThat(gearmand.submit("greet", "world")).isEqualTo("Hello, world!");
        } finally {
            main.stop();
        }
    }
}
