package io.gearworker.routes.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.routes.workflow.ProgressClient.Outcome;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code fanout} route against a real gearmand, its children served by a {@link ChildWorker}. */
class FanoutIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    /** Starts {@code fanout} with {@code parentSlots} slots, its children served by {@code children}. */
    private ChildWorker start(int parentSlots, ChildWorker children, String maxInFlight) throws Exception {
        context = WorkflowContext.start(GEARMAND.servers(), parentSlots,
                WorkflowContext.props(FanoutRoute.CHILD_FUNCTION, children.function(),
                        FanoutRoute.MAX_IN_FLIGHT, maxInFlight),
                new FanoutRoute(), children);
        return children;
    }

    private static ChildWorker kids(int slots) {
        return new ChildWorker(Gearman.uniqueFunction("kid"), slots);
    }

    @Test
    void submitsAllChildrenAtOnceReportsProgressAndAnswers() throws Exception {
        ChildWorker children = start(1, kids(8), "16");

        Outcome out = ProgressClient.call(GEARMAND.address(), "fanout", "8 1000", LIMIT);

        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_COMPLETE);
        assertThat(out.text()).matches("fanout 8 x 1000 ms in \\d+ ms");
        assertThat(out.statuses()).as("progress k/N, in order, before the result")
                .containsExactly("1/8", "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "8/8");
        assertThat(children.maxRunning()).as("all 8 children ran at the same time").isEqualTo(8);
        assertThat(children.executions).hasSize(8).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("fanout/.+/[0-9a-f]{8}/[0-7]"), "fanout/<parent>/<attempt>/<index>")
                .extracting(id -> id.substring(0, id.lastIndexOf('/'))).as("one run, one attempt").containsOnly(
                        children.executions.get(0).substring(0, children.executions.get(0).lastIndexOf('/')));
    }

    @Test
    void aParentNeverHasMoreChildrenInFlightThanItsLimit() throws Exception {
        ChildWorker children = start(1, kids(12), "3");
        String kid = children.function();
        List<Integer> samples = new ArrayList<>();
        CompletableFuture<Outcome> parent = ProgressClient.submit(GEARMAND.address(), "fanout", "12 500");
        while (!parent.isDone()) {
            samples.add(Gearman.status(GEARMAND.address(), kid).total());
            TimeUnit.MILLISECONDS.sleep(20);
        }

        Outcome out = parent.get();
        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_COMPLETE);
        assertThat(out.statuses()).hasSize(12).last().isEqualTo("12/12");
        assertThat(children.executions).hasSize(12);
        assertThat(children.maxRunning()).as("never more than the limit of 3, and the limit was used").isEqualTo(3);
        assertThat(samples).as("children gearmand held (queued + running), sampled").allMatch(n -> n <= 3)
                .contains(3);
    }

    @Test
    void manyParentsAtOnceHoldAtMostSlotsTimesLimitChildren() throws Exception {
        ChildWorker children = start(4, kids(20), "3");
        String kid = children.function();
        List<CompletableFuture<Outcome>> parents = IntStream.range(0, 10)
                .mapToObj(i -> ProgressClient.submit(GEARMAND.address(), "fanout", "6 200")).toList();
        List<Integer> samples = new ArrayList<>();
        while (!parents.stream().allMatch(CompletableFuture::isDone)) {
            samples.add(Gearman.status(GEARMAND.address(), kid).total());
            TimeUnit.MILLISECONDS.sleep(20);
        }

        for (CompletableFuture<Outcome> p : parents) {
            assertThat(p.get().end()).as(p.get().toString()).isEqualTo(PacketType.WORK_COMPLETE);
        }
        assertThat(children.executions).hasSize(60).doesNotHaveDuplicates();
        assertThat(samples).as("4 parent slots x 3 children each: at most 12 children in gearmand")
                .allMatch(n -> n <= 12);
        assertThat(samples.stream().mapToInt(Integer::intValue).max().orElse(0))
                .as("several parents had children at once").isGreaterThan(3);
    }

    @Test
    void aFailedChildFailsTheParentNamingTheChild() throws Exception {
        ChildWorker children = start(1, new ChildWorker(Gearman.uniqueFunction("kid"), 5, id -> id.endsWith("/2")), "16");

        Outcome out = ProgressClient.call(GEARMAND.address(), "fanout", "5 100", LIMIT);

        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_EXCEPTION);
        assertThat(out.text()).contains("child 3/5", "gearman:" + children.function(), "failed")
                .containsPattern("unique id fanout/.+/2");
        assertThat(out.statuses()).as("the 4 children that succeeded were reported").hasSize(4);
    }

    @Test
    void aBadWorkloadFailsWithAClearMessageAndSubmitsNothing() throws Exception {
        ChildWorker children = start(1, kids(1), "16");

        Outcome out = ProgressClient.call(GEARMAND.address(), "fanout", "eight 500", LIMIT);

        assertThat(out.end()).isEqualTo(PacketType.WORK_EXCEPTION);
        assertThat(out.text()).isEqualTo("fanout takes 'N MS': N children (1..10000) of MS milliseconds (>= 0) each, "
                                         + "got 'eight 500'");
        assertThat(children.executions).isEmpty();
    }

    @Test
    void aChildThatNeverAnswersFailsTheParentAfterTheChildTimeout() throws Exception {
        String nobody = Gearman.uniqueFunction("nobody_serves");
        context = WorkflowContext.start(GEARMAND.servers(), 1,
                WorkflowContext.props(FanoutRoute.CHILD_FUNCTION, nobody, FanoutRoute.CHILD_TIMEOUT, "1000"),
                new FanoutRoute());

        Outcome out = ProgressClient.call(GEARMAND.address(), "fanout", "2 100", LIMIT);

        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_EXCEPTION);
        // both children time out together: either may be the first
        assertThat(out.text()).containsPattern("^child [12]/2 ").contains(nobody, "no result");
        assertThat(out.millis()).as("failed after the 1 s child timeout, not at once").isGreaterThanOrEqualTo(900);
    }
}
