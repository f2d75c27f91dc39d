package io.gearworker.routes.workflow;

import java.util.Collections;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code fanout}: workload {@code N MS} submits N {@code sleep MS} jobs at once (at most
 * {@code fanout.max-in-flight} unanswered at a time), reports WORK_STATUS {@code k/N} to its caller as they
 * finish, and answers {@code fanout N x MS ms in T ms}. A failed or timed-out child fails the parent, naming the
 * child. A parent that runs again submits all its children again ({@link FanOut}: each run waits only for its
 * own children; those of an earlier run may have run too). Settings (Camel properties, e.g. {@code application.properties}, {@code -Dfanout.max-in-flight=4} or the
 * environment variable {@code FANOUT_MAX_IN_FLIGHT}):
 * <ul>
 * <li>{@code fanout.max-in-flight} (16): children submitted and not yet answered, per parent;</li>
 * <li>{@code fanout.child-function} ({@code sleep}): the function the children are submitted to;</li>
 * <li>{@code fanout.child-timeout} (60000): ms a child may take before it fails the parent.</li>
 * </ul>
 */
public class FanoutRoute extends RouteBuilder {

    public static final String FUNCTION = "fanout";
    public static final String MAX_IN_FLIGHT = "fanout.max-in-flight";
    public static final String CHILD_FUNCTION = "fanout.child-function";
    public static final String CHILD_TIMEOUT = "fanout.child-timeout";

    private static final String STARTED = "GearworkerFanoutStarted";

    @Override
    public void configure() {
        WorkflowSettings settings = new WorkflowSettings(getContext());
        int maxInFlight = settings.positiveInt(MAX_IN_FLIGHT, 16);
        String childFunction = settings.text(CHILD_FUNCTION, "sleep");
        long childTimeout = settings.positiveLong(CHILD_TIMEOUT, 60_000);

        from("gearman:" + FUNCTION).routeId(FUNCTION)
                .process(FanoutRoute::plan)
                .process(new FanOut("gearman:" + childFunction + "?timeout=" + childTimeout, maxInFlight))
                .process(FanoutRoute::answer);
    }

    private static void plan(Exchange exchange) {
        FanoutRequest request = FanoutRequest.parse(exchange.getMessage().getBody(String.class));
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.setProperty(FanOut.CHILDREN, Collections.nCopies(request.children(), Long.toString(request.millis())));
        exchange.getMessage().setBody(request);
    }

    private static void answer(Exchange exchange) {
        FanoutRequest request = exchange.getMessage().getBody(FanoutRequest.class);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.getProperty(STARTED, Long.class));
        exchange.getMessage().setBody("fanout " + request.children() + " x " + request.millis() + " ms in "
                                      + millis + " ms");
    }
}
