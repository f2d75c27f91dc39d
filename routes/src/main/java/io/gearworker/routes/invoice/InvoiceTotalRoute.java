package io.gearworker.routes.invoice;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.GearmanJob;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code invoice-total}: a JSON job. Workload {@code {"items":[{"sku":"a","qty":2,"price":"1.50"}],"currency":"EUR"}},
 * result {@code {"currency":"EUR","items":1,"total":"3.00"}}. The logic is the {@link InvoiceCalculator} bean; the
 * route reads, adds up with a WORK_STATUS after each item, and writes. A bad workload fails the job with a message
 * that says what is wrong (WORK_FAIL, or WORK_EXCEPTION with that message when {@code sendExceptions=true}).
 */
public class InvoiceTotalRoute extends RouteBuilder {

    public static final String FUNCTION = "invoice-total";

    private final InvoiceCalculator calculator = new InvoiceCalculator();

    @Override
    public void configure() {
        from("gearman:" + FUNCTION).routeId(FUNCTION)
                .bean(calculator, "parse")    // workload → Invoice, or InvalidInvoiceException
                .process(this::addUp)         // → InvoiceTotal, reporting progress
                .bean(calculator, "toJson");  // → the result JSON
    }

    private void addUp(Exchange exchange) {
        GearmanJob job = exchange.getProperty(GearmanConstants.JOB, GearmanJob.class);
        Invoice invoice = exchange.getMessage().getBody(Invoice.class);
        exchange.getMessage().setBody(calculator.total(invoice, (done, of) -> sendStatus(job, done, of)));
    }

    /** WORK_STATUS {@code done/of} to the client; without a Gearman job (a test's {@code direct:} input) nothing. */
    private static void sendStatus(GearmanJob job, int done, int of) {
        if (job == null) {
            return;
        }
        try {
            job.sendStatus(done, of);
        } catch (IOException e) {
            // the connection is gone: the result could not be sent either, and gearmand requeues the job
            throw new UncheckedIOException("cannot send WORK_STATUS for " + job + ": " + e.getMessage(), e);
        }
    }
}
