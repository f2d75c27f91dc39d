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
 * a too-large job refuses to read it and closes its connection: gearmand keeps the job (at-least-once: another
 * worker with a larger limit may run it) and our worker reconnects and goes on serving.
 * <p>
 * With gearmand's default {@code --job-retries=0} the refused job is offered again and again: every connection of
 * the consumer refuses it, reconnects and is offered it anew, about ten times a second, logging each time, until
 * the job is removed. {@code --job-retries=N} makes gearmand drop it after N refusals and fail it for its client.
 */
class GearmanOversizeIT extends CamelTestSupport {

    /** gearmand as Debian runs it: a handed-back job is offered again without limit. */
    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    /** gearmand that drops a job after 3 attempts, failing it for a waiting client. */
    @RegisterExtension
    static GearmandExtension gearmandWithRetryLimit = new GearmandExtension("--job-retries=3");

    private static final byte[] BIG = new byte[4096];

    static {
        Arrays.fill(BIG, (byte) 'x');
    }

    private final LogCapture log = LogCapture.of(WorkerConnectionLoop.class);
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
    void workerRefusesAnOversizedJobAndKeepsServing() throws Exception {
        String fn = smallWorker(gearmand);
        ServerAddress server = gearmand.address();
        try (GearmanClient client = Gearman.client(server)) {
            client.submit(JobRequest.background(fn, BIG)).block(Duration.ofSeconds(5));

            await("refusal logged").atMost(Duration.ofSeconds(3)).until(() -> refusals() >= 1);
            assertThat(Gearman.call(server, fn, "small", Duration.ofSeconds(3))).isEqualTo("ok small");
            assertThat(Gearman.call(server, fn, "again", Duration.ofSeconds(3))).isEqualTo("ok again");
        }

        assertThat(log.messages(Level.WARN, "maxPayloadSize")).first().asString()
                .containsPattern("JOB_ASSIGN_UNIQ announces 4[01]\\d\\d bytes") // 4096 + handle, function, NULs
                .contains("closing the connection and reconnecting");
        assertThat(routed).as("what the route received").containsExactly("small", "again");
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
        // handed back, not lost: gearmand still holds it for a worker that can take it
        assertThat(Gearman.status(server, fn).total()).isEqualTo(1);
    }

    @Test
    void withJobRetriesGearmandDropsTheRefusedJobAndItsClientIsTold() throws Exception {
        String fn = smallWorker(gearmandWithRetryLimit);
        ServerAddress server = gearmandWithRetryLimit.address();
        try (GearmanClient client = Gearman.client(server)) {
            CompletableFuture<?> big = client.submit(JobRequest.foreground(fn, BIG)).toFuture();

            assertThatThrownBy(() -> big.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GearmanJobFailedException.class);
            assertThat(Gearman.call(server, fn, "small", Duration.ofSeconds(3))).isEqualTo("ok small");
        }
        assertThat(refusals()).as("one refusal per attempt gearmand allowed").isEqualTo(3);
        await("no further refusals").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> refusals() == 3);
        assertThat(routed).containsExactly("small");
        assertThat(Gearman.status(server, fn).total()).isZero();
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
