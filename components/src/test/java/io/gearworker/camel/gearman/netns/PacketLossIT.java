package io.gearworker.camel.gearman.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.test.Gearman;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 20 % of the packets on the link to the gearmand host are lost, both ways, for the worker and the clients alike:
 * every job still completes, none is lost (retransmits and, where an answer came too late, a reconnect; a job may
 * then run twice, never not at all).
 */
class PacketLossIT extends CamelTestSupport {

    private static final int JOBS = 60;
    private static final int LOSS_PERCENT = 20;

    @RegisterExtension
    static NetworkLab lab = new NetworkLab();

    @Test
    void everyJobCompletesDespiteLoss() throws Exception {
        TestHost host = lab.host("loss").startGearmand();
        String fn = Gearman.uniqueFunction("loss");
        Set<String> executed = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + host.servers() + "&concurrentConsumers=2&"
                     + FaultTiming.options()).routeId(fn)
                        .process(e -> {
                            executed.add(e.getMessage().getBody(String.class));
                            e.getMessage().setBody("done " + e.getMessage().getBody(String.class));
                        });
                // the clients' side crosses the lossy link too; a longer answer timeout keeps a slow JOB_CREATED
                // from failing a submission (what this test counts is jobs lost, not submissions refused)
                from("direct:submit").to("gearman:" + fn + "?servers=" + host.servers()
                                         + "&heartbeatInterval=2000&answerTimeout=10000");
            }
        });
        assertThat(Gearman.call(host.address(), fn, "warm-up", Duration.ofSeconds(5)))
                .isEqualTo("done warm-up");

        host.loss(LOSS_PERCENT);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            results.add(template.asyncRequestBodyAndHeader("direct:submit", "job" + i, GearmanConstants.UNIQUE_ID,
                    "job" + i, String.class));
        }
        for (int i = 0; i < JOBS; i++) {
            assertThat(results.get(i).get(90, TimeUnit.SECONDS)).isEqualTo("done job" + i);
        }

        assertThat(executed).as("workloads the route ran").hasSize(JOBS + 1);
        assertThat(host.droppedPackets()).as("packets dropped on the link").isPositive();
    }
}
