package io.gearworker.worker.discovery;

import org.apache.camel.builder.RouteBuilder;

/**
 * A team's own job route in a package of its own, found by {@code run --routes-package io.gearworker.worker.discovery}
 * on the worker's class path. Its nested and anonymous builders must not be discovered: they are helpers.
 */
public class GreetingRoute extends JobRouteSupport {

    public static final String FUNCTION = "discovery-greet";

    @Override
    public void configure() {
        from(gearman(FUNCTION)).routeId(FUNCTION).setBody(simple("hello, ${bodyAs(String)}"));
    }

    /** Not a job route: discovered, it would register {@code discovery-nested}. */
    public static class NestedHelper extends RouteBuilder {
        @Override
        public void configure() {
            from(gearman("discovery-nested")).setBody(constant("must not be served"));
        }
    }

    /** Not a job route either (an anonymous class cannot even be instantiated by the scan). */
    static RouteBuilder anonymousHelper() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(gearman("discovery-anonymous")).setBody(constant("must not be served"));
            }
        };
    }
}
