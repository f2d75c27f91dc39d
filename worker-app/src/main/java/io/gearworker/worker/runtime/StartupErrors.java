package io.gearworker.worker.runtime;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.ResolveEndpointFailedException;

/**
 * Tells configuration errors found while the worker starts (a route whose endpoint URI has a bad or unknown option,
 * a property that does not bind) from other start-up failures, and says what is wrong in one line. A configuration
 * error is a usage error of the contract: exit code 2 and a message that names the option.
 */
public final class StartupErrors {

    private StartupErrors() {
    }

    /** One line naming the bad option (and the route and its source, when known); {@code null} when not config. */
    static String configurationError(Throwable error) {
        FailedToCreateRouteException route = null;
        PropertyBindingException binding = null;
        boolean endpoint = false;
        Throwable deepest = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (route == null && t instanceof FailedToCreateRouteException f) {
                route = f;
            }
            if (binding == null && t instanceof PropertyBindingException p) {
                binding = p;
            }
            endpoint |= t instanceof ResolveEndpointFailedException;
            deepest = t;
        }
        if (route == null && binding == null && !endpoint) {
            return null;
        }
        StringBuilder line = new StringBuilder();
        if (route != null && route.getRouteId() != null) {
            line.append("route '").append(route.getRouteId()).append('\'');
            if (route.getLocation() != null) {
                line.append(" (").append(route.getLocation()).append(')');
            }
            line.append(": ");
        }
        // the binding exception names the property; otherwise the innermost cause says what is wrong with which option
        String what = binding != null ? bindingError(binding) : deepest.getMessage();
        line.append(what != null ? what : deepest.toString());
        return line.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The property as written and why it does not bind, when the exception says; else Camel's own message. */
    private static String bindingError(PropertyBindingException binding) {
        Throwable cause = binding.getCause();
        if (binding.getPropertyName() == null || cause == null || cause.getMessage() == null) {
            return binding.getMessage();
        }
        String name = binding.getOptionKey() != null
                      ? (binding.getOptionPrefix() == null ? "" : binding.getOptionPrefix()) + binding.getOptionKey()
                      : binding.getPropertyName();
        return "property " + name + " = " + binding.getValue() + ": " + cause.getMessage();
    }
}
