package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer's and producer's readiness checks, as Camel's health-check API reports them, against gearmand. */
class GearmanHealthCheckIT extends CamelTestSupport {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final String fn = Gearman.uniqueFunction("health");

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                String options = "?servers=" + gearmand.servers() + "&reconnectDelay=50&maxReconnectDelay=200";
                from("gearman:" + fn + options + "&concurrentConsumers=2").routeId("health-route").log("${body}");
                from("direct:submit").routeId("submit-route").to("gearman:" + fn + options);
            }
        };
    }

    private HealthCheck.Result readiness(String id) {
        return HealthCheckHelper.invokeReadiness(context).stream()
                .filter(r -> r.getCheck().getId().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no readiness check " + id + " in "
                        + HealthCheckHelper.invokeReadiness(context).stream().map(r -> r.getCheck().getId()).toList()));
    }

    private void awaitState(String id, HealthCheck.State state) {
        await().atMost(LIMIT).untilAsserted(() -> assertThat(readiness(id).getState()).isEqualTo(state));
    }

    @Test
    void consumerCheckFollowsGearmandAndSuspension() throws Exception {
        // camel-main resolves the consumers repository when health is enabled; a bare context does it on request
        assertThat(HealthCheckHelper.getHealthCheckRepository(context, "consumers")).isNotNull();
        String consumer = "consumer:health-route";
        String server = "server." + gearmand.address() + ".";
        awaitState(consumer, HealthCheck.State.UP);
        assertThat(readiness(consumer).getDetails()).containsEntry(server + "connected", 2)
                .containsEntry(server + "connections", 2).containsEntry("suspended", false);

        gearmand.kill();
        awaitState(consumer, HealthCheck.State.DOWN);
        HealthCheck.Result down = readiness(consumer);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m)
                .startsWith("no registered connection to any gearmand: " + gearmand.address() + " ("));
        assertThat(down.getDetails()).containsEntry(server + "connected", 0).containsKey(server + "last.error");
        await().atMost(LIMIT).untilAsserted(() -> assertThat(
                (Long) readiness(consumer).getDetails().get(server + "reconnects")).isPositive());

        gearmand.start();
        awaitState(consumer, HealthCheck.State.UP);

        // quiet: the consumer serves no job while suspended, so it is not ready; resumed, it is again
        ServiceHelper.suspendService(context.getRoute("health-route").getConsumer());
        awaitState(consumer, HealthCheck.State.DOWN);
        assertThat(readiness(consumer).getMessage()).hasValueSatisfying(m -> assertThat(m).startsWith("suspended"));
        assertThat(readiness(consumer).getDetails()).containsEntry("suspended", true);
        ServiceHelper.resumeService(context.getRoute("health-route").getConsumer());
        awaitState(consumer, HealthCheck.State.UP);
    }

    @Test
    void producerCheckIsDownWhileNoServerCanBeReached() throws Exception {
        // Camel leaves the producers repository disabled unless asked (camel.health.producers-enabled=true)
        HealthCheckHelper.getHealthCheckRepository(context, "producers", WritableHealthCheckRepository.class)
                .setEnabled(true);
        String producer = "gearman-producer-" + fn;
        awaitState(producer, HealthCheck.State.UP);

        gearmand.kill();
        try {
            awaitState(producer, HealthCheck.State.DOWN);
            assertThat(readiness(producer).getMessage())
                    .hasValueSatisfying(m -> assertThat(m).contains("no gearmand reachable"));
        } finally {
            gearmand.start();
        }
        awaitState(producer, HealthCheck.State.UP);
    }
}
