package io.gearworker.routes.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.routes.ReverseRoute;
import io.gearworker.routes.workflow.ProgressClient.Outcome;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code chain} route (upcase → ascii → reverse, three Gearman functions) against a real gearmand. */
class ChainIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private CamelContext context;
    private final AtomicInteger reverseRuns = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        context = WorkflowContext.start(GEARMAND.servers(), 2, WorkflowContext.props(), new ChainRoute(),
                new ReverseRoute());
        AdviceWith.adviceWith(context, ReverseRoute.FUNCTION,
                a -> a.weaveAddFirst().process(e -> reverseRuns.incrementAndGet()));
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void eachStepsResultFeedsTheNextAndTheChainAnswersInMilliseconds() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Outcome out = ProgressClient.call(GEARMAND.address(), "chain", "hello chain " + i, LIMIT);
            assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_COMPLETE);
            assertThat(out.text()).isEqualTo(new StringBuilder("HELLO CHAIN " + i).reverse().toString());
            millis.add(out.millis());
        }
        assertThat(reverseRuns).hasValue(20);
        // three jobs one after the other: milliseconds each once warm, far from any timeout (loose, shared machine)
        assertThat(millis.subList(10, 20).stream().sorted().toList().get(5))
                .as("median of the warm chains, ms: %s", millis).isLessThan(1000);
    }

    @Test
    void aFailureInTheMiddleFailsTheParentNamingTheStep() throws Exception {
        Outcome out = ProgressClient.call(GEARMAND.address(), "chain", "héllo", LIMIT);

        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_EXCEPTION);
        assertThat(out.text()).startsWith("chain step 2/3 'ascii' failed: ")
                .contains("'É' at index 1 is not ASCII");
        assertThat(reverseRuns).as("the third step never ran").hasValue(0);
    }
}
