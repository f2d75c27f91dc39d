package io.gearworker.routes.workflow;

import java.util.Locale;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.routes.ReverseRoute;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code chain}: a job whose result feeds the next job, over three functions: {@code upcase} (upper case), then
 * {@code ascii} (passes ASCII text on, fails on anything else), then {@code reverse}. {@code chain hello} answers
 * {@code OLLEH}. Each step is an ordinary {@code to("gearman:…")}: the parent waits for it without holding a
 * thread. A step that fails or takes longer than {@code chain.step-timeout} ms (Camel property, default 30000)
 * fails the parent with a message naming the step.
 * <p>
 * The steps' unique ids derive from the parent's and from the run ({@link ChildIds}): a parent that runs again
 * (its worker was killed or handed it back) starts over at step 1 under fresh ids, so no step of the new run can
 * join a job of the earlier run that gearmand would drop. Steps that had finished or were running in the earlier
 * run therefore run again; in the run that answers, each step ran at least once.
 */
public class ChainRoute extends RouteBuilder {

    public static final String FUNCTION = "chain";
    public static final String UPCASE = "upcase";
    public static final String ASCII = "ascii";
    public static final String STEP_TIMEOUT = "chain.step-timeout";

    static final String[] STEPS = { UPCASE, ASCII, ReverseRoute.FUNCTION };

    private static final String STEP = "GearworkerChainStep";

    @Override
    public void configure() {
        long timeout = new WorkflowSettings(getContext()).positiveLong(STEP_TIMEOUT, 30_000);

        from("gearman:" + FUNCTION).routeId(FUNCTION)
                .doTry()
                    .process(step(0)).to("gearman:" + STEPS[0] + "?timeout=" + timeout)
                    .process(step(1)).to("gearman:" + STEPS[1] + "?timeout=" + timeout)
                    .process(step(2)).to("gearman:" + STEPS[2] + "?timeout=" + timeout)
                .doCatch(Exception.class)
                    .process(ChainRoute::failNamingTheStep)
                .end();

        from("gearman:" + UPCASE).routeId(UPCASE)
                .process(e -> e.getMessage().setBody(e.getMessage().getBody(String.class).toUpperCase(Locale.ROOT)));

        from("gearman:" + ASCII).routeId(ASCII).process(ChainRoute::asciiOnly);
    }

    /** Before step {@code index}: remember it, and give its job a unique id derived from the parent and this run. */
    private static Processor step(int index) {
        String name = (index + 1) + "-" + STEPS[index];
        return exchange -> {
            exchange.setProperty(STEP, index);
            exchange.getMessage().setHeader(GearmanConstants.UNIQUE_ID, ChildIds.of(exchange, name));
        };
    }

    private static void failNamingTheStep(Exchange exchange) throws WorkflowStepException {
        int index = exchange.getProperty(STEP, Integer.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new WorkflowStepException("chain step " + (index + 1) + "/" + STEPS.length + " '" + STEPS[index]
                                        + "' failed: " + cause.getMessage(), cause);
    }

    static void asciiOnly(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                throw new IllegalArgumentException("ascii: '" + text.charAt(i) + "' at index " + i + " is not ASCII");
            }
        }
        exchange.getMessage().setBody(text);
    }
}
