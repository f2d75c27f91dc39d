package io.gearworker.routes.workflow;

import java.util.Properties;

import io.gearworker.camel.gearman.GearmanComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** A Camel context with a {@code gearman} component for one gearmand, as the worker app sets it up. */
final class WorkflowContext {

    private WorkflowContext() {
    }

    /**
     * Starts a context whose {@code gearman:} endpoints default to {@code servers}, {@code slots} job slots and
     * WORK_EXCEPTION on failure (so that a test client reads the message); {@code properties} are the routes'
     * settings.
     */
    static CamelContext start(String servers, int slots, Properties properties, RoutesBuilder... routes)
            throws Exception {
        CamelContext context = new DefaultCamelContext();
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(servers);
        gearman.getConfiguration().setConcurrentConsumers(slots);
        gearman.getConfiguration().setSendExceptions(true);
        context.addComponent("gearman", gearman);
        context.getPropertiesComponent().setOverrideProperties(properties);
        context.getShutdownStrategy().setTimeout(10);
        for (RoutesBuilder r : routes) {
            context.addRoutes(r);
        }
        context.start();
        return context;
    }

    static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
