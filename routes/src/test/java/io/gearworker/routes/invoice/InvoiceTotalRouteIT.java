package io.gearworker.routes.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The invoice-total route against a real gearmand, as clients see it: the result, WORK_STATUS per item, and a
 * bad invoice as WORK_FAIL (gearman CLI, our client) or, with {@code sendExceptions=true}, as WORK_EXCEPTION carrying
 * the reason to a client that asks for exceptions (PHP). The pattern for integration-testing any job route.
 */
class InvoiceTotalRouteIT {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String INVOICE = """
            {"items":[{"sku":"a","qty":2,"price":"1.50"},{"sku":"b","qty":1,"price":"0.99"},\
            {"sku":"c","qty":4,"price":"0.25"}],"currency":"EUR"}""";
    private static final String RESULT = "{\"currency\":\"EUR\",\"items\":3,\"total\":\"4.99\"}";
    private static final String BAD_INVOICE = "{\"items\":[{\"sku\":\"a\",\"qty\":0,\"price\":\"1\"}],\"currency\":\"EUR\"}";

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private CamelContext context;

    /** A Camel app serving the route, its gearman component pointed at the test's gearmand. */
    private void serve(boolean sendExceptions) throws Exception {
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(GEARMAND.servers());
        gearman.getConfiguration().setSendExceptions(sendExceptions);
        context = new DefaultCamelContext();
        context.addComponent("gearman", gearman);
        context.addRoutes(new InvoiceTotalRoute());
        context.start(); // a job submitted before the function is registered waits in gearmand
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void aClientGetsTheTotalAsJson() throws Exception {
        serve(false);

        assertThat(Gearman.call(GEARMAND.address(), InvoiceTotalRoute.FUNCTION, INVOICE, LIMIT)).isEqualTo(RESULT);
    }

    @Test
    void aClientSeesAWorkStatusPerItemBeforeTheResult() throws Exception {
        serve(false);

        ExternalProcess.Result php = php("""
                $c->setStatusCallback(function ($t) { echo "status ", $t->taskNumerator(), "/", $t->taskDenominator(), "\\n"; });
                $c->setCompleteCallback(function ($t) { echo "complete ", $t->data(), "\\n"; });
                $c->addTask("%s", '%s');
                $c->runTasks();
                """.formatted(InvoiceTotalRoute.FUNCTION, INVOICE));

        assertThat(php.stdout()).as("%s", php).isEqualTo("status 1/3\nstatus 2/3\nstatus 3/3\ncomplete " + RESULT + "\n");
    }

    @Test
    void aBadInvoiceIsAWorkFail() throws Exception {
        serve(false);

        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            assertThatThrownBy(() -> client.submit(JobRequest.foreground(InvoiceTotalRoute.FUNCTION,
                    BAD_INVOICE.getBytes(StandardCharsets.UTF_8))).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))
                    .hasCauseInstanceOf(GearmanJobFailedException.class);
        }
        ExternalProcess.Result cli = ExternalProcess.run(LIMIT, "gearman", "-h", "127.0.0.1", "-p",
                Integer.toString(GEARMAND.port()), "-f", InvoiceTotalRoute.FUNCTION, BAD_INVOICE);
        assertThat(cli.timedOut()).as("%s", cli).isFalse();
        assertThat(cli.exitCode()).as("%s", cli).isNotZero();
        assertThat(cli.stderr()).as("%s", cli).containsIgnoringCase("fail");
        // the worker lives on
        assertThat(Gearman.call(GEARMAND.address(), InvoiceTotalRoute.FUNCTION, INVOICE, LIMIT)).isEqualTo(RESULT);
    }

    @Test
    void withSendExceptionsAClientThatAsksForExceptionsGetsTheReason() throws Exception {
        serve(true);

        ExternalProcess.Result php = php("""
                $c->enableExceptionHandler();
                $c->setExceptionCallback(function ($t) { echo "exception ", $t->data(), "\\n"; });
                $c->setCompleteCallback(function ($t) { echo "complete ", $t->data(), "\\n"; });
                $c->addTask("%s", '%s');
                $c->runTasks();
                """.formatted(InvoiceTotalRoute.FUNCTION, BAD_INVOICE));

        assertThat(php.stdout()).as("%s", php).isEqualTo("exception items[0].qty must be an integer >= 1, was 0\n");
    }

    /** Runs a PHP client script; {@code $c} is a GearmanClient connected to the test's gearmand. */
    private static ExternalProcess.Result php(String script) {
        String prelude = """
                $c = new GearmanClient();
                $c->addServer("127.0.0.1", %d);
                $c->setTimeout(10000);
                """.formatted(GEARMAND.port());
        ExternalProcess.Result r = ExternalProcess.run(LIMIT, "php", "-r", prelude + script);
        assertThat(r.timedOut()).as("%s", r).isFalse();
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r;
    }
}
