package io.gearworker.routes;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code sleep}: sleeps the workload's number of milliseconds and returns {@code slept N ms}. Stands in for a
 * long-running job in demos and in the graceful-restart tests. The sleep holds the job's slot thread on purpose:
 * a job is one slot's work, exactly as a real blocking job would be.
 */
public class SleepRoute extends RouteBuilder {

    public static final String FUNCTION = "sleep";

    @Override
    public void configure() {
        from("gearman:" + FUNCTION).routeId(FUNCTION).process(SleepRoute::sleep);
    }

    static void sleep(Exchange exchange) throws InterruptedException {
        String text = exchange.getMessage().getBody(String.class).trim();
        long millis;
        try {
            millis = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sleep takes a number of milliseconds, got " + Quoted.workload(text));
        }
        if (millis < 0) {
            throw new IllegalArgumentException("sleep takes milliseconds >= 0, got " + millis);
        }
        Thread.sleep(millis);
        exchange.getMessage().setBody("slept " + millis + " ms");
    }
}
