package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobPriority;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gearmand coalesces foreground jobs of one function and unique id: the second submission joins the job already
 * there (same handle) and both clients get its one result. The client must answer both even when they share its
 * connection - what a workflow parent that runs again on the same worker does with its children.
 */
class GearmanCoalescingIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final AtomicInteger executions = new AtomicInteger();
    private final String fn = Gearman.uniqueFunction("coalesce");

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers() + "&concurrentConsumers=2")
                        .process(e -> {
                            executions.incrementAndGet();
                            Thread.sleep(500);
                            e.getMessage().setBody("ran once");
                        });
            }
        };
    }

    @Test
    void twoSubmissionsOfOneUniqueIdOnOneConnectionBothGetTheOneResult() throws Exception {
        try (GearmanClient client = Gearman.client(gearmand.address())) {
            JobRequest job = new JobRequest(fn, "x".getBytes(StandardCharsets.UTF_8), "same-id", JobPriority.NORMAL,
                    false);
            CompletableFuture<JobResult> first = client.submit(job);
            CompletableFuture<JobResult> second = client.submit(job);

            JobResult a = first.get(10, TimeUnit.SECONDS);
            JobResult b = second.get(10, TimeUnit.SECONDS);

            assertThat(a.handle()).as("gearmand coalesced them into one job").isEqualTo(b.handle());
            assertThat(new String(a.data(), StandardCharsets.UTF_8)).isEqualTo("ran once");
            assertThat(new String(b.data(), StandardCharsets.UTF_8)).isEqualTo("ran once");
            assertThat(executions).hasValue(1);
        }
    }
}
