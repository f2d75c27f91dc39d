package io.gearworker.routes.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.routes.workflow.ProgressClient.Outcome;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slots are per function, so a parent waiting in its slot never holds a slot its children need - as long as the
 * children are another function. A parent whose children are its own function can take every slot of it and wait
 * for children nobody can run: the producer's timeout then fails it, it does not hang.
 */
class WorkflowDeadlockIT {

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

    @Test
    void childrenOfAnotherFunctionRunEvenWithOneSlotEach() throws Exception {
        ChildWorker children = new ChildWorker(Gearman.uniqueFunction("kid"), 1);
        context = WorkflowContext.start(GEARMAND.servers(), 1,
                WorkflowContext.props(FanoutRoute.CHILD_FUNCTION, children.function()), new FanoutRoute(), children);

        // three parents for one fanout slot, their children for one child slot: all finish, one child at a time
        List<CompletableFuture<Outcome>> parents = IntStream.range(0, 3)
                .mapToObj(i -> ProgressClient.submit(GEARMAND.address(), "fanout", "3 50")).toList();

        for (CompletableFuture<Outcome> p : parents) {
            Outcome out = p.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_COMPLETE);
        }
        assertThat(children.executions).hasSize(9);
        assertThat(children.maxRunning()).isEqualTo(1);
    }

    @Test
    void aParentWhoseChildrenAreItsOwnFunctionFailsAfterTheTimeoutInsteadOfHanging() throws Exception {
        String selfish = Gearman.uniqueFunction("selfish");
        context = WorkflowContext.start(GEARMAND.servers(), 1, WorkflowContext.props(), new RouteBuilder() {
            @Override
            public void configure() {
                // the wrong configuration: a 'parent' submits a 'child' of its own function, which has 1 slot
                from("gearman:" + selfish).routeId(selfish)
                        .choice()
                            .when(body().convertToString().isEqualTo("parent"))
                                .setBody(constant("child"))
                                .to("gearman:" + selfish + "?timeout=1500")
                                .setBody(constant("parent done"))
                            .otherwise()
                                .setBody(constant("child done"));
            }
        });

        Outcome out = ProgressClient.call(GEARMAND.address(), selfish, "parent", LIMIT);

        assertThat(out.end()).as(out.toString()).isEqualTo(PacketType.WORK_EXCEPTION);
        assertThat(out.text()).contains("no result for Gearman job '" + selfish + "'");
        assertThat(out.millis()).as("it waited for the 1.5 s timeout, then failed").isBetween(1400L, 15_000L);
    }
}
