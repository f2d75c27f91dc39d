package io.gearworker.routes.workflow;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.gearworker.camel.gearman.GearmanConstants;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Serves a child function in the test: sleeps the workload's milliseconds and answers {@code done <ms>}, records
 * every execution's unique id (the side effect that proves how often a child ran) and the most children it ran at
 * once; fails the children whose unique id matches {@code failing}.
 */
final class ChildWorker extends RouteBuilder {

    private final String function;
    private final int slots;
    private final Predicate<String> failing;
    final List<String> executions = new CopyOnWriteArrayList<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxRunning = new AtomicInteger();

    ChildWorker(String function, int slots, Predicate<String> failing) {
        this.function = function;
        this.slots = slots;
        this.failing = failing;
    }

    ChildWorker(String function, int slots) {
        this(function, slots, id -> false);
    }

    @Override
    public void configure() {
        from("gearman:" + function + "?concurrentConsumers=" + slots).routeId("child-" + function)
                .process(this::run);
    }

    private void run(Exchange exchange) throws InterruptedException {
        String unique = exchange.getMessage().getHeader(GearmanConstants.UNIQUE_ID, String.class);
        executions.add(unique);
        running.add(unique + "@" + Thread.currentThread().getName());
        maxRunning.accumulateAndGet(running.size(), Math::max);
        try {
            long ms = Long.parseLong(exchange.getMessage().getBody(String.class).trim());
            Thread.sleep(ms);
            if (failing.test(unique)) {
                throw new IllegalStateException("child " + unique + " fails on purpose");
            }
            exchange.getMessage().setBody("done " + ms);
        } finally {
            running.remove(unique + "@" + Thread.currentThread().getName());
        }
    }

    String function() {
        return function;
    }

    /** The most children this worker ran at the same time. */
    int maxRunning() {
        return maxRunning.get();
    }
}
