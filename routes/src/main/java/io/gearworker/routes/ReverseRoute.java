package io.gearworker.routes;

import org.apache.camel.builder.RouteBuilder;

/** {@code reverse}: returns the workload (UTF-8 text) reversed. The seed's example job. */
public class ReverseRoute extends RouteBuilder {

    public static final String FUNCTION = "reverse";

    @Override
    public void configure() {
        from("gearman:" + FUNCTION).routeId(FUNCTION)
                .process(e -> e.getMessage().setBody(
                        new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
    }
}
