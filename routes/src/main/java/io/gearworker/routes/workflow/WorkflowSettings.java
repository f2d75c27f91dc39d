package io.gearworker.routes.workflow;

import org.apache.camel.CamelContext;
import org.apache.camel.PropertyBindingException;

/** A workflow route's settings, read from Camel's properties when the route is built; a bad value names the key. */
final class WorkflowSettings {

    private final CamelContext context;

    WorkflowSettings(CamelContext context) {
        this.context = context;
    }

    String text(String key, String defaultValue) {
        String value = context.getPropertiesComponent().resolveProperty(key).orElse(defaultValue).trim();
        if (value.isEmpty()) {
            throw bad(key, value, "must not be empty");
        }
        return value;
    }

    int positiveInt(String key, int defaultValue) {
        long value = positiveLong(key, defaultValue);
        if (value > Integer.MAX_VALUE) {
            throw bad(key, Long.toString(value), "must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    long positiveLong(String key, long defaultValue) {
        String text = text(key, Long.toString(defaultValue));
        try {
            long value = Long.parseLong(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, text, "must be a whole number >= 1");
    }

    /**
     * A setting that does not bind, as Camel reports one of its own: the worker tells it from other start-up
     * failures by its type and reports it in one line with the key and the value as written.
     */
    private static PropertyBindingException bad(String key, String value, String reason) {
        return new PropertyBindingException("workflow route settings", key, value, new IllegalArgumentException(reason));
    }
}
