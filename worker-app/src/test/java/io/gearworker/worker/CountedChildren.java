package io.gearworker.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.test.Gearman;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A workflow's child function served in the test JVM, with a fixed number of slots: each execution records its
 * unique id (the side effect that proves how often each child ran), then sleeps the workload's milliseconds.
 * Close it after use.
 */
final class CountedChildren implements AutoCloseable {

    final String function = Gearman.uniqueFunction("counted");
    /** The unique id of every execution, in the order they started. */
    final List<String> executions = new CopyOnWriteArrayList<>();
    private final CamelContext context = new DefaultCamelContext();

    CountedChildren(String servers, int slots) throws Exception {
        GearmanComponent gearman = new GearmanComponent();
        gearman.getConfiguration().setServers(servers);
        context.addComponent("gearman", gearman);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + function + "?concurrentConsumers=" + slots).process(e -> {
                    executions.add(e.getMessage().getHeader(GearmanConstants.UNIQUE_ID, String.class));
                    Thread.sleep(Long.parseLong(e.getMessage().getBody(String.class)));
                    e.getMessage().setBody("done");
                });
            }
        });
        context.start();
    }

    @Override
    public void close() {
        context.stop();
    }
}
