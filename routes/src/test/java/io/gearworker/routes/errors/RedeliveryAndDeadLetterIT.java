package io.gearworker.routes.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Camel's redelivery and dead letters on job routes, and what the Gearman client receives. The consumer answers
 * what the exchange says when the route is done: still failed → WORK_FAIL; otherwise WORK_COMPLETE with the body.
 * <ul>
 * <li>{@code onException(…).maximumRedeliveries(n)}: a success within n redeliveries is a WORK_COMPLETE; after n
 * failed redeliveries the exchange is still failed → WORK_FAIL.</li>
 * <li>{@code handled(true)} and a dead-letter channel (which handles by default) end the exchange without an
 * exception → WORK_COMPLETE with the body as the handler left it, so the handler must set it.</li>
 * <li>{@code onException(…).to(deadLetters)} without {@code handled(true)} records a dead letter and still fails the
 * job → WORK_FAIL.</li>
 * </ul>
 */
class RedeliveryAndDeadLetterIT extends CamelTestSupport {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    /** Attempts per function, counted by the failing step. */
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    @Override
    protected void bindToRegistry(Registry registry) {
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(GEARMAND.servers());
        registry.bind("gearman", gearman);
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // a transient failure twice, then a result: retried within the same job
                from("gearman:retried").routeId("retried")
                        .onException(IOException.class).maximumRedeliveries(2).redeliveryDelay(10).end()
                        .process(e -> failUntilAttempt(e, 3))
                        .setBody(simple("done after ${header.CamelRedeliveryCounter} redeliveries"));

                // the failure outlasts the redeliveries: the exchange stays failed
                from("gearman:retries-exhausted").routeId("retries-exhausted")
                        .onException(IOException.class).maximumRedeliveries(2).redeliveryDelay(10).end()
                        .process(e -> failUntilAttempt(e, Integer.MAX_VALUE));

                // a dead-letter channel handles the failure; its route says what the client gets
                from("gearman:dead-lettered").routeId("dead-lettered")
                        .errorHandler(deadLetterChannel("direct:dead-letters").useOriginalMessage()
                                .maximumRedeliveries(1).redeliveryDelay(10))
                        .process(e -> failUntilAttempt(e, Integer.MAX_VALUE));
                from("direct:dead-letters").routeId("dead-letters")
                        .to("mock:dead")
                        .setBody(simple("{\"error\":\"${exception.message}\"}"));

                // a dead-letter channel that sets no body: the client gets the message as it was, here the workload
                from("gearman:dead-lettered-as-is").routeId("dead-lettered-as-is")
                        .errorHandler(deadLetterChannel("mock:dead-as-is"))
                        .process(e -> failUntilAttempt(e, Integer.MAX_VALUE));

                // handled(true): the failure becomes an answer
                from("gearman:handled").routeId("handled")
                        .onException(IllegalArgumentException.class).handled(true)
                            .setBody(simple("rejected: ${exception.message}")).end()
                        .throwException(new IllegalArgumentException("no such customer"));

                // a dead letter is recorded, and the job still fails
                from("gearman:recorded-and-failed").routeId("recorded-and-failed")
                        .onException(IOException.class).to("mock:recorded").end()
                        .process(e -> failUntilAttempt(e, Integer.MAX_VALUE));
            }
        };
    }

    /** Throws IOException until the n-th attempt of this exchange's function. */
    private void failUntilAttempt(Exchange exchange, int n) throws IOException {
        String function = exchange.getMessage().getHeader(GearmanConstants.FUNCTION, String.class);
        int attempt = attempts.computeIfAbsent(function, f -> new AtomicInteger()).incrementAndGet();
        if (attempt < n) {
            throw new IOException("pricing service unavailable (attempt " + attempt + ")");
        }
    }

    private static String call(String function, String workload) {
        return Gearman.call(GEARMAND.address(), function, workload, LIMIT);
    }

    private static void assertWorkFail(String function, String workload) {
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            assertThatThrownBy(() -> client.submit(JobRequest.foreground(function,
                    workload.getBytes(StandardCharsets.UTF_8))).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))
                    .hasCauseInstanceOf(GearmanJobFailedException.class);
        }
    }

    private int attemptsOf(String function) {
        return attempts.getOrDefault(function, new AtomicInteger()).get();
    }

    @Test
    void aFailureThatRedeliveryOvercomesIsAWorkComplete() {
        assertThat(call("retried", "x")).isEqualTo("done after 2 redeliveries");
        assertThat(attemptsOf("retried")).isEqualTo(3);
    }

    @Test
    void aFailureAfterTheLastRedeliveryIsAWorkFail() {
        assertWorkFail("retries-exhausted", "x");
        assertThat(attemptsOf("retries-exhausted")).isEqualTo(3);

        // the gearman CLI sees the failure too, and the route serves the next job
        ExternalProcess.Result cli = ExternalProcess.run(LIMIT, "gearman", "-h", "127.0.0.1", "-p",
                Integer.toString(GEARMAND.port()), "-f", "retries-exhausted", "x");
        assertThat(cli.exitCode()).as("%s", cli).isNotZero();
        assertThat(cli.stderr()).as("%s", cli).containsIgnoringCase("fail");
        assertThat(attemptsOf("retries-exhausted")).isEqualTo(6);
    }

    @Test
    void aDeadLetteredJobIsAWorkCompleteWithTheBodyTheDeadLetterRouteSet() throws InterruptedException {
        MockEndpoint dead = getMockEndpoint("mock:dead");
        dead.expectedBodiesReceived("the workload");

        assertThat(call("dead-lettered", "the workload"))
                .isEqualTo("{\"error\":\"pricing service unavailable (attempt 2)\"}");
        assertThat(attemptsOf("dead-lettered")).isEqualTo(2);
        dead.assertIsSatisfied();
        Exchange letter = dead.getExchanges().get(0);
        assertThat(letter.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .hasMessageContaining("pricing service unavailable");
        assertThat(letter.getMessage().getHeader(GearmanConstants.JOB_HANDLE, String.class)).startsWith("H:");
    }

    @Test
    void aDeadLetterChannelThatSetsNoBodyAnswersWithTheMessageAsItWas() throws InterruptedException {
        MockEndpoint dead = getMockEndpoint("mock:dead-as-is");
        dead.expectedMessageCount(1);

        // not a result: the client cannot tell this from one, which is why the dead-letter route sets the body
        assertThat(call("dead-lettered-as-is", "the workload")).isEqualTo("the workload");
        dead.assertIsSatisfied();
    }

    @Test
    void aHandledFailureIsAWorkCompleteWithTheHandlersBody() {
        assertThat(call("handled", "customer 42")).isEqualTo("rejected: no such customer");
    }

    @Test
    void aDeadLetterRecordedWithoutHandlingStillFailsTheJob() throws InterruptedException {
        MockEndpoint recorded = getMockEndpoint("mock:recorded");
        recorded.expectedBodiesReceived("keep me");

        assertWorkFail("recorded-and-failed", "keep me");
        recorded.assertIsSatisfied();
    }
}
