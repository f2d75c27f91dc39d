package io.gearworker.routes.workflow;

import org.apache.camel.CamelContext;

/** A workflow route's settings, read from Camel's properties when the route is built; a bad value names the key. */
final class WorkflowSettings {

    private final CamelContext context;

    WorkflowSettings(CamelContext context) {
        this.context = context;
    }

    String text(String key, String defaultValue) {
        String value = context.getPropertiesComponent().resolveProperty(key).orElse(defaultValue).trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("property " + key + " must not be empty");
        }
        return value;
    }

    int positiveInt(String key, int defaultValue) {
        long value = positiveLong(key, defaultValue);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("property " + key + " must be a whole number from 1 to "
                                               + Integer.MAX_VALUE + ", got " + value);
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
        throw new IllegalArgumentException("property " + key + " must be a whole number >= 1, got '" + text + "'");
    }
}
