package io.gearworker.examples.springboot;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Serves the Gearman function {@code reverse}: the result is the workload reversed. Servers and job slots come from
 * {@code camel.component.gearman.*} in application.properties. {@code reverse.delay} (ms, default 0) stands for
 * real work, so that a job can be seen in flight.
 */
@Component
public class ReverseRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("gearman:reverse").routeId("reverse")
                .delay(simple("{{reverse.delay:0}}"))
                .process(exchange -> exchange.getMessage().setBody(
                        new StringBuilder(exchange.getMessage().getBody(String.class)).reverse().toString()));
    }
}
