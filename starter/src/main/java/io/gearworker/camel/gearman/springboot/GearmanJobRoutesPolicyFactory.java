package io.gearworker.camel.gearman.springboot;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/** Attaches one restart policy to every route whose input is a {@code gearman:} endpoint, so one budget spans them. */
final class GearmanJobRoutesPolicyFactory implements RoutePolicyFactory {

    private final RoutePolicy policy;

    GearmanJobRoutesPolicyFactory(RoutePolicy policy) {
        this.policy = policy;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return route instanceof RouteDefinition definition && isJobRoute(definition) ? policy : null;
    }

    private static boolean isJobRoute(RouteDefinition route) {
        String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
        return uri != null && uri.startsWith("gearman:");
    }
}
