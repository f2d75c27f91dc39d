package io.gearworker.camel.gearman.springboot;

import java.time.Duration;
import java.util.Map;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.GearmanConfiguration;
import io.gearworker.camel.gearman.test.GearmandServer;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.actuate.health.CamelHealthCheckIndicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A Spring Boot application with the starter against a real gearmand: properties bound, jobs served, health shown. */
@SpringBootTest(classes = GearmanStarterIT.App.class, properties = {
        "camel.component.gearman.concurrent-consumers=2",
        "camel.component.gearman.worker-id=starter-it",
        "camel.component.gearman.send-exceptions=true",
        "camel.component.gearman.reconnect-delay=50",
        "camel.component.gearman.priority=high",
        "camel.health.exposure-level=full" })
class GearmanStarterIT {

    @RegisterExtension
    static GearmandServer gearmand = new GearmandServer();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("camel.component.gearman.servers", gearmand::servers);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        RouteBuilder routes() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("gearman:starter_upper").routeId("upper")
                            .process(e -> e.getMessage().setBody(e.getMessage().getBody(String.class).toUpperCase()));
                }
            };
        }
    }

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    CamelHealthCheckIndicator camelHealth;

    @Test
    void propertiesAreCopiedOntoTheComponent() {
        GearmanConfiguration configuration = camelContext.getComponent("gearman", GearmanComponent.class)
                .getConfiguration();
        assertThat(configuration.getServers()).isEqualTo(gearmand.servers());
        assertThat(configuration.getConcurrentConsumers()).isEqualTo(2);
        assertThat(configuration.getWorkerId()).isEqualTo("starter-it");
        assertThat(configuration.isSendExceptions()).isTrue();
        assertThat(configuration.getReconnectDelay()).isEqualTo(50);
        assertThat(configuration.getPriority().name()).isEqualTo("HIGH");
    }

    @Test
    void theRouteRegistersOneConnectionPerSlotAndAnswersJobs() {
        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().connectionsFor("starter_upper") == 2);
        assertThat(gearmand.workers()).filteredOn(w -> w.functions().contains("starter_upper"))
                .allSatisfy(w -> assertThat(w.clientId()).isEqualTo("starter-it"));
        assertThat(gearmand.submit("starter_upper", "from boot")).isEqualTo("FROM BOOT");
        assertThat(producer.requestBody("gearman:starter_upper", "via producer", String.class)).isEqualTo("VIA PRODUCER");
    }

    @Test
    void theConsumerCheckShowsInActuatorsCamelHealth() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Health health = camelHealth.health(true);
            Map<String, Object> details = health.getDetails();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(details).containsEntry("consumer:upper", "UP");
            assertThat(details.get("consumer:upper.data").toString())
                    .contains("check.id=gearman-consumer-upper", "server." + gearmand.servers() + ".connected=2");
        });
    }
}
