package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.GearmanProtocolException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.protocol.WorkerConnection;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.LogCapture;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code maxPayloadSize} protects the worker and the producer from packets larger than allowed. A worker offered
 * a too-large job reads only its handle, skips the rest without buffering it and fails the job (WORK_FAIL): the
 * client is told at once, and the job is not handed back to loop through the fleet (gearmand's default
 * {@code --job-retries=0} would offer it again for ever). The worker's connection stays up and it goes on serving.
 */
class GearmanOversizeIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private static final byte[] BIG = new byte[4096];

    static {
        Arrays.fill(BIG, (byte) 'x');
    }

    private final LogCapture log = LogCapture.of(WorkerConnection.class);
    private final List<String> routed = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeLog() {
        log.close();
    }

    /** A worker limited to 1 KiB that answers {@code ok <length>} and records what its route received. */
    private String smallWorker(GearmandExtension server) throws Exception {
        String fn = Gearman.uniqueFunction("small");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + server.servers() + "&maxPayloadSize=1024").routeId(fn)
                        .convertBodyTo(String.class)
                        .process(e -> routed.add(e.getMessage().getBody(String.class)))
                        .setBody(simple("ok ${body}"));
            }
        });
        return fn;
    }

    private long refusals() {
        return log.count(Level.WARN, "more than maxPayloadSize 1024");
    }

    @Test
    void workerFailsAnOversizedJobAndKeepsServing() throws Exception {
        String fn = smallWorker(gearmand);
        ServerAddress server = gearmand.address();
        try (GearmanClient client = Gearman.client(server)) {
            CompletableFuture<?> big = client.submit(JobRequest.foreground(fn, BIG));

            assertThatThrownBy(() -> big.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GearmanJobFailedException.class);
            assertThat(Gearman.call(server, fn, "small", Duration.ofSeconds(3))).isEqualTo("ok small");
            assertThat(Gearman.call(server, fn, "again", Duration.ofSeconds(3))).isEqualTo("ok again");
        }

        assertThat(log.messages(Level.WARN, "maxPayloadSize")).singleElement().asString()
                .containsPattern("JOB_ASSIGN_UNIQ announces 4[01]\\d\\d bytes") // 4096 + handle, function, NULs
                .contains("sent WORK_FAIL");
        assertThat(routed).as("what the route received").containsExactly("small", "again");
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
        await("no further refusals").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> refusals() == 1);
        assertThat(Gearman.status(server, fn).total()).as("nothing left queued").isZero();
    }

    @Test
    void anOversizedBackgroundJobIsFailedOnceNotLooped() throws Exception {
        String fn = smallWorker(gearmand);
        ServerAddress server = gearmand.address();
        try (GearmanClient client = Gearman.client(server)) {
            client.submit(JobRequest.background(fn, BIG)).get(5, TimeUnit.SECONDS);
            await("refusal logged").atMost(Duration.ofSeconds(3)).until(() -> refusals() >= 1);
            assertThat(Gearman.call(server, fn, "small", Duration.ofSeconds(3))).isEqualTo("ok small");
        }
        await("the job is gone").atMost(Duration.ofSeconds(2)).until(() -> Gearman.status(server, fn).total() == 0);
        assertThat(refusals()).isEqualTo(1);
        assertThat(routed).containsExactly("small");
    }

    @Test
    void producerRefusesAnOversizedBodyBeforeSendingAnything() throws Exception {
        String fn = smallWorker(gearmand);
        String uri = "gearman:" + fn + "?servers=" + gearmand.servers() + "&maxPayloadSize=1024&timeout=5000";
        LogCapture clientLog = LogCapture.of("io.gearworker.camel.gearman.protocol.ClientConnection");

        assertThatThrownBy(() -> template.requestBody(uri, BIG))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseInstanceOf(GearmanProtocolException.class)
                .rootCause().hasMessageContaining("maxPayloadSize 1024");

        // nothing reached gearmand (the worker for fn is registered, so its status line exists)
        assertThat(Gearman.status(gearmand.address(), fn).total()).isZero();
        // the producer's connection is intact (gearmand did not drop it over a half-written packet)
        assertThat(template.requestBody(uri, "fits", String.class)).isEqualTo("ok fits");
        clientLog.close();
        assertThat(clientLog.messages(Level.WARN, "")).as("client connection warnings").isEmpty();
        assertThat(routed).containsExactly("fits");
        assertThat(refusals()).isZero();
    }
}
