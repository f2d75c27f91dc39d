package io.gearworker.examples.springboot;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.GearmandServer;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example application with its own application.properties, against a real gearmand. */
@SpringBootTest(properties = "camel.main.run-controller=false")
class SpringBootWorkerIT {

    @RegisterExtension
    static GearmandServer gearmand = new GearmandServer();

    /** Only the server differs from application.properties: the test's gearmand. */
    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("camel.component.gearman.servers", gearmand::servers);
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void registersOneConnectionPerConcurrentConsumerAndAnswersAJob() {
        // camel.component.gearman.concurrent-consumers=3 in application.properties
        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().connectionsFor("reverse") == 3);
        assertThat(gearmand.submit("reverse", "spring boot")).isEqualTo("toob gnirps");
    }

    @Test
    void camelsShutdownTimeoutComesFromApplicationProperties() {
        assertThat(camelContext.getShutdownStrategy().getTimeUnit().toSeconds(
                camelContext.getShutdownStrategy().getTimeout())).isEqualTo(30);
        assertThat(camelContext.getShutdownStrategy().getTimeUnit()).isEqualTo(TimeUnit.SECONDS);
    }
}
