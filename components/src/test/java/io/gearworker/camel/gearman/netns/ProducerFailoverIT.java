package io.gearworker.camel.gearman.netns;

import static io.gearworker.camel.gearman.netns.FaultTiming.LIVENESS_BOUND;
import static io.gearworker.camel.gearman.netns.FaultTiming.OBSERVATION_SLACK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.test.Gearman;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A producer with {@code servers=a,b} where a falls silent: every submission still succeeds, through b, within the
 * liveness bound — also those whose unique id hashes to a.
 */
class ProducerFailoverIT extends CamelTestSupport {

    private static final int JOBS = 12;

    @RegisterExtension
    static NetworkLab lab = new NetworkLab();

    @Test
    void submissionsKeepSucceedingThroughTheReachableServer() throws Exception {
        TestHost a = lab.host("a").startGearmand();
        TestHost b = lab.host("b").startGearmand();
        String fn = Gearman.uniqueFunction("failover");
        Set<String> servedBy = new HashSet<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + a.servers() + "," + b.servers() + "&concurrentConsumers=2&"
                     + FaultTiming.options()).routeId("worker")
                        .process(e -> {
                            synchronized (servedBy) {
                                servedBy.add(e.getMessage().getHeader(GearmanConstants.SERVER, String.class));
                            }
                            e.getMessage().setBody("done " + e.getMessage().getBody(String.class));
                        });
                from("direct:submit").routeId("submit")
                        .to("gearman:" + fn + "?servers=" + a.servers() + "," + b.servers()
                            + "&resubmitUnanswered=true&" + FaultTiming.options());
            }
        });
        for (int i = 0; i < JOBS; i++) { // unique ids spread over both servers
            assertThat(submit("before-" + i)).isEqualTo("done before-" + i);
        }
        assertThat(servedBy).as("servers the jobs went to").contains(a.servers(), b.servers());

        a.partition();
        for (int i = 0; i < JOBS; i++) {
            long start = System.nanoTime();
            assertThat(submit("during-" + i)).isEqualTo("done during-" + i);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("ms for submission %d with a silent", i)
                    .isLessThanOrEqualTo(LIVENESS_BOUND.plus(OBSERVATION_SLACK).toMillis());
        }
    }

    private String submit(String uniqueId) {
        return template.requestBodyAndHeader("direct:submit", uniqueId, GearmanConstants.UNIQUE_ID, uniqueId,
                String.class);
    }
}
