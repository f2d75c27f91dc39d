package io.gearworker.worker.runtime;

import io.gearworker.worker.fleet.ControlFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Attaches one of the worker's restart policies to every job route (input {@code gearman:}), Java or YAML alike,
 * so one max-jobs budget spans all of them. Control routes (input a {@link ControlFunction}) get none: control jobs
 * don't count.
 */
public final class GearmanRoutesPolicyFactory implements RoutePolicyFactory {

    private final RoutePolicySupport policy;

    GearmanRoutesPolicyFactory(RoutePolicySupport policy) {
        this.policy = policy;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return route instanceof RouteDefinition definition && isJobRoute(definition) ? policy : null;
    }

    static boolean isJobRoute(RouteDefinition route) {
        String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
        return uri != null && uri.startsWith("gearman:")
               && !ControlFunction.isControl(uri.substring("gearman:".length()).replaceFirst("^//", ""));
    }
}
