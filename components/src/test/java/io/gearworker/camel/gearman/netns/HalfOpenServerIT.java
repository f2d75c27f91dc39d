package io.gearworker.camel.gearman.netns;

import static io.gearworker.camel.gearman.netns.FaultTiming.LIVENESS_BOUND;
import static io.gearworker.camel.gearman.netns.FaultTiming.OBSERVATION_SLACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.camel.gearman.ServerStatus;
import io.gearworker.camel.gearman.test.Gearman;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The half-open scenario: a worker serves two functions from one gearmand host; the host is silently partitioned,
 * loses power, returns with the same address and an empty gearmand, and the partition heals. The connection of the
 * function that was idle all along sleeps in PRE_SLEEP and hears nothing of this; only its heartbeat finds out. A
 * job for that function must be served within 2x the liveness bound of the heal.
 */
class HalfOpenServerIT extends CamelTestSupport {

    @RegisterExtension
    static NetworkLab lab = new NetworkLab();

    /**
     * @param partitionOutlastsTheBound whether the partition lasts until the worker has noticed it (its connections
     *                                  reconnect in vain meanwhile), or the host is replaced at once, before any
     *                                  heartbeat is due (the worker still believes in its connections)
     */
    @ParameterizedTest(name = "partition outlasts the liveness bound: {0}")
    @ValueSource(booleans = {false, true})
    void functionIdleThroughPartitionAndPowerLossIsServedSoonAfterTheHeal(boolean partitionOutlastsTheBound)
            throws Exception {
        TestHost host = lab.host("g").startGearmand();
        String busy = Gearman.uniqueFunction("busy");
        String idle = Gearman.uniqueFunction("idle");
        reverseRoute(host, busy);
        reverseRoute(host, idle);
        assertThat(Gearman.call(host.address(), busy, "busy", Duration.ofSeconds(5))).isEqualTo("ysub");
        assertThat(Gearman.call(host.address(), idle, "idle", Duration.ofSeconds(5))).isEqualTo("eldi");
        for (int i = 0; i < 5; i++) { // the busy function keeps its connection writing; the idle one sleeps
            assertThat(Gearman.call(host.address(), busy, "b" + i, Duration.ofSeconds(5))).isEqualTo(i + "b");
        }

        host.awaitQuietConnections(Duration.ofSeconds(5));
        host.partition();
        if (partitionOutlastsTheBound) {
            await("the worker noticed the silent server").atMost(LIVENESS_BOUND.plus(OBSERVATION_SLACK))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !serverStatus(idle).isConnected() && !serverStatus(busy).isConnected());
        }
        host.powerLoss();
        host.powerOn(); // same address, fresh gearmand that knows no worker; still partitioned
        host.heal();
        long healed = System.nanoTime();

        String result = Gearman.call(host.address(), idle, "after", LIVENESS_BOUND.multipliedBy(2));
        long servedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);

        assertThat(result).isEqualTo("retfa");
        assertThat(servedMillis).as("ms from the heal until the idle function's job was served")
                .isLessThan(LIVENESS_BOUND.multipliedBy(2).toMillis());
        assertThat(Gearman.call(host.address(), busy, "again", Duration.ofSeconds(5))).isEqualTo("niaga");
        assertThat(Gearman.workersOf(host.address(), idle)).as("registered at the new gearmand").hasSize(1);
        assertThat(serverStatus(idle).isConnected()).isTrue();
    }

    private void reverseRoute(TestHost host, String fn) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + host.servers() + "&" + FaultTiming.options()).routeId(fn)
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
            }
        });
    }

    private ServerStatus serverStatus(String routeId) {
        List<ServerStatus> statuses = ((GearmanConsumer) context.getRoute(routeId).getConsumer()).getServerStatuses();
        assertThat(statuses).hasSize(1);
        return statuses.get(0);
    }
}
