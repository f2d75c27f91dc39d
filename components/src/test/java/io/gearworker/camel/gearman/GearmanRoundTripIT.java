package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer ↔ gearmand ↔ producer, through a real gearmand. */
class GearmanRoundTripIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final GearmanClient client = new GearmanClient(java.util.List.of(gearmand.address()),
            new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE), Duration.ofSeconds(2),
            Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "test-client");
                t.setDaemon(true);
                return t;
            }));

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                String servers = "servers=" + gearmand.servers();
                from("gearman:rt_reverse?" + servers + "&workerId=rt-worker")
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
                from("gearman:rt_echo?" + servers).log("echo ${header.CamelGearmanJobHandle}");
                from("gearman:rt_fail?" + servers + "&sendExceptions=true")
                        .process(e -> {
                            throw new IllegalStateException("boom: " + e.getMessage().getBody(String.class));
                        });
                from("gearman:rt_headers?" + servers)
                        .setBody(simple("${header.CamelGearmanFunction}|${header.CamelGearmanUniqueId}|"
                                        + "${header.CamelGearmanServer}|${header.CamelGearmanJobHandle}"));
                from("direct:submit").to("gearman:rt_reverse?" + servers);
                from("direct:background").to("gearman:rt_echo?" + servers + "&background=true&priority=high");
            }
        };
    }

    @Test
    void producerResultComesFromConsumerRoute() {
        assertThat(template.requestBody("direct:submit", "hello gearman", String.class)).isEqualTo("namraeg olleh");
    }

    @Test
    void backgroundSubmitReturnsTheHandle() {
        Exchange out = template.request("direct:background", e -> e.getMessage().setBody("bg"));
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getHeader(GearmanConstants.JOB_HANDLE, String.class)).startsWith("H:");
    }

    @Test
    void jobHeadersDescribeTheJob() throws Exception {
        byte[] result = client.submit(new JobRequest("rt_headers", new byte[0], "uniq-1",
                io.gearworker.camel.gearman.protocol.JobPriority.NORMAL, false)).get(10, TimeUnit.SECONDS).data();
        assertThat(new String(result)).startsWith("rt_headers|uniq-1|" + gearmand.servers() + "|H:");
    }

    @Test
    void everyByteValueRoundTripsExactly() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertThat(client.submit(JobRequest.foreground("rt_echo", all)).get(10, TimeUnit.SECONDS).data())
                .isEqualTo(all);
    }

    @Test
    void multiMegabytePayloadRoundTripsExactly() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024];
        new java.util.Random(42).nextBytes(big);
        assertThat(client.submit(JobRequest.foreground("rt_echo", big)).get(30, TimeUnit.SECONDS).data())
                .isEqualTo(big);
    }

    @Test
    void failingRouteFailsTheJobAndTheWorkerTakesTheNext() {
        assertThatThrownBy(() -> client.submit(JobRequest.foreground("rt_fail", "x".getBytes()))
                .get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GearmanJobFailedException.class)
                .hasMessageContaining("boom: x");
        assertThatThrownBy(() -> client.submit(JobRequest.foreground("rt_fail", "y".getBytes()))
                .get(10, TimeUnit.SECONDS))
                .hasMessageContaining("boom: y");
        assertThat(template.requestBody("direct:submit", "still alive", String.class)).isEqualTo("evila llits");
    }

    @Test
    void producerFailsTheExchangeWhenTheJobFails() {
        assertThatThrownBy(() -> template.requestBody("gearman:rt_fail?servers=" + gearmand.servers(), "z"))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseInstanceOf(GearmanJobFailedException.class);
    }
}
