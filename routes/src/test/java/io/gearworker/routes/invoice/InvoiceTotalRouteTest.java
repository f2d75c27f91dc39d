package io.gearworker.routes.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The invoice-total route with camel-test-junit5, no server: AdviceWith replaces its {@code gearman:} input with
 * {@code direct:} and adds a mock at its end. This is the pattern for unit-testing any job route.
 */
class InvoiceTotalRouteTest extends CamelTestSupport {

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true); // the context starts once the route is advised
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new InvoiceTotalRoute();
    }

    @BeforeEach
    void replaceTheGearmanInput() throws Exception {
        AdviceWith.adviceWith(context, InvoiceTotalRoute.FUNCTION, route -> {
            route.replaceFromWith("direct:invoice-total");
            route.weaveAddLast().to("mock:result");
        });
        context.start();
    }

    /** Sends a workload as the consumer would: the job's bytes. */
    private Exchange submit(String workload) {
        return template.request("direct:invoice-total",
                e -> e.getMessage().setBody(workload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJsonInvoiceBecomesItsTotalAsJson() throws InterruptedException {
        MockEndpoint result = getMockEndpoint("mock:result");
        result.expectedBodiesReceived("{\"currency\":\"EUR\",\"items\":2,\"total\":\"4.50\"}");

        Exchange done = submit("""
                {"items":[{"sku":"a","qty":2,"price":"1.50"},{"sku":"b","qty":1,"price":"1.50"}],"currency":"EUR"}""");

        assertThat(done.getException()).isNull();
        result.assertIsSatisfied();
    }

    @Test
    void aBadInvoiceFailsTheExchangeWithTheReason() throws InterruptedException {
        MockEndpoint result = getMockEndpoint("mock:result");
        result.expectedMessageCount(0);

        Exchange failed = submit("{\"items\":[{\"sku\":\"a\",\"qty\":0,\"price\":\"1\"}],\"currency\":\"EUR\"}");

        // a failed exchange is what the consumer answers with WORK_FAIL (or WORK_EXCEPTION carrying this message)
        assertThat(failed.getException()).isInstanceOf(InvalidInvoiceException.class)
                .hasMessage("items[0].qty must be an integer >= 1, was 0");
        result.assertIsSatisfied();
    }
}
