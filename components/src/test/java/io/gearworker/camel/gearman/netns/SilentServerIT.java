package io.gearworker.camel.gearman.netns;

import static io.gearworker.camel.gearman.netns.FaultTiming.LIVENESS_BOUND;
import static io.gearworker.camel.gearman.netns.FaultTiming.OBSERVATION_SLACK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.test.Gearman;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One of two servers is silently partitioned for good. Jobs through the other keep finishing without a stall (the
 * slots are shared by both servers: a grab or a sleep on the silent one must not hold one), and the consumer stops
 * calling the lost server connected — in its ServerStatus and its readiness check — within the liveness bound.
 */
class SilentServerIT extends CamelTestSupport {

    private static final Duration LONGEST_STALL = Duration.ofSeconds(3);

    @RegisterExtension
    static NetworkLab lab = new NetworkLab();

    @ParameterizedTest(name = "concurrentConsumers={0}")
    @ValueSource(ints = {1, 2})
    void jobsThroughTheOtherServerKeepFinishingAndTheLostOneIsNoLongerConnected(int slots) throws Exception {
        TestHost lost = lab.host("lost").startGearmand();
        TestHost kept = lab.host("kept").startGearmand();
        String fn = Gearman.uniqueFunction("silent");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + lost.servers() + "," + kept.servers() + "&concurrentConsumers="
                     + slots + "&" + FaultTiming.options()).routeId(fn)
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
            }
        });
        assertThat(Gearman.call(lost.address(), fn, "lost", Duration.ofSeconds(5))).isEqualTo("tsol");
        assertThat(Gearman.call(kept.address(), fn, "kept", Duration.ofSeconds(5))).isEqualTo("tpek");
        assertThat(status(lost.address()).isConnected()).isTrue();

        lost.partition();
        long partitioned = System.nanoTime();
        long noticedMillis = -1;
        List<Long> latencies = new ArrayList<>();
        // jobs one after another through the kept server for twice the bound, watching the lost server's status
        while (System.nanoTime() - partitioned < LIVENESS_BOUND.multipliedBy(2).toNanos()) {
            long start = System.nanoTime();
            String payload = "job" + latencies.size();
            assertThat(Gearman.call(kept.address(), fn, payload, LONGEST_STALL.plusSeconds(5)))
                    .isEqualTo(new StringBuilder(payload).reverse().toString());
            latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            if (noticedMillis < 0 && !status(lost.address()).isConnected()) {
                noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - partitioned);
            }
        }

        assertThat(latencies).as("ms per job through the kept server while the other was silent")
                .allSatisfy(ms -> assertThat(ms).isLessThan(LONGEST_STALL.toMillis()));
        assertThat(noticedMillis).as("ms until the lost server was no longer called connected")
                .isNotNegative().isLessThanOrEqualTo(LIVENESS_BOUND.plus(OBSERVATION_SLACK).toMillis());
        assertThat(status(kept.address()).isConnected()).isTrue();
        HealthCheckHelper.getHealthCheckRepository(context, "consumers"); // a bare context resolves it on request
        HealthCheck.Result readiness = HealthCheckHelper.invokeReadiness(context).stream()
                .filter(r -> r.getCheck().getId().equals("consumer:" + fn)).findFirst().orElseThrow();
        assertThat(readiness.getDetails()).as("readiness details")
                .containsEntry("server." + lost.address() + ".connected", 0)
                .containsEntry("server." + kept.address() + ".connected", slots);
    }

    private ServerStatus status(ServerAddress server) {
        return context.getRoutes().stream().map(r -> (GearmanConsumer) r.getConsumer())
                .flatMap(c -> c.getServerStatuses().stream()).filter(s -> s.server().equals(server)).findFirst()
                .orElseThrow();
    }
}
