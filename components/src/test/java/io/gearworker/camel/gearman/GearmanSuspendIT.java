package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Suspend and graceful stop drain: the job in flight finishes and its client gets the result, and nothing new is
 * taken from gearmand until the route resumes.
 */
class GearmanSuspendIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final GearmanClient client = Gearman.client(gearmand.address());

    @AfterEach
    void closeClient() {
        client.close();
    }

    /** A route that sleeps the workload's number of milliseconds and answers {@code slept N ms}. */
    private String sleepRoute(String routeId) throws Exception {
        String fn = Gearman.uniqueFunction(routeId);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers()).routeId(routeId)
                        .convertBodyTo(String.class)
                        .delay(simple("${body}"))
                        .setBody(simple("slept ${body} ms"));
            }
        });
        return fn;
    }

    private CompletableFuture<String> submit(String fn, String payload) {
        return client.submit(JobRequest.foreground(fn, payload.getBytes(StandardCharsets.UTF_8)))
                .thenApply(r -> new String(r.data(), StandardCharsets.UTF_8));
    }

    private FunctionStatus status(String fn) {
        return Gearman.status(gearmand.address(), fn);
    }

    private GearmanConsumer consumer(String routeId) {
        return (GearmanConsumer) context.getRoute(routeId).getConsumer();
    }

    @Test
    void suspendFinishesTheJobInFlightAndTakesNoNewJobsUntilResumed() throws Exception {
        String fn = sleepRoute("suspend");
        CompletableFuture<String> longJob = submit(fn, "3000");
        await("the job running").atMost(Duration.ofSeconds(3)).until(() -> status(fn).running() == 1);

        // suspendRoute blocks while Camel's shutdown strategy waits for the job in flight: run it aside
        CompletableFuture<Void> suspended = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().suspendRoute("suspend");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("grabbing paused").atMost(Duration.ofSeconds(2)).until(() -> consumer("suspend").isGrabbingPaused());
        assertThat(longJob).as("the job in flight still runs").isNotDone();
        // submitted while the slot is still busy: the finishing job must not take it along with its result
        CompletableFuture<String> duringDrain = submit(fn, "10");

        assertThat(longJob.get(5, TimeUnit.SECONDS)).isEqualTo("slept 3000 ms");
        suspended.get(5, TimeUnit.SECONDS);
        assertThat(context.getRouteController().getRouteStatus("suspend")).isEqualTo(ServiceStatus.Suspended);
        assertThat(consumer("suspend").getHandedBackJobs()).isZero();

        CompletableFuture<String> whileSuspended = submit(fn, "20");
        await("both jobs queued at gearmand, none taken").atMost(Duration.ofSeconds(3))
                .until(() -> status(fn).total() == 2);
        await("still queued, none running, while suspended")
                .during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    FunctionStatus s = status(fn);
                    return s.total() == 2 && s.running() == 0;
                });
        assertThat(duringDrain).isNotDone();
        assertThat(whileSuspended).isNotDone();

        context.getRouteController().resumeRoute("suspend");

        assertThat(duringDrain.get(3, TimeUnit.SECONDS)).isEqualTo("slept 10 ms");
        assertThat(whileSuspended.get(3, TimeUnit.SECONDS)).isEqualTo("slept 20 ms");
        await("queue empty").atMost(Duration.ofSeconds(2)).until(() -> status(fn).total() == 0);
    }

    @Test
    void gracefulStopLetsTheJobInFlightFinish() throws Exception {
        String fn = sleepRoute("graceful");
        CompletableFuture<String> job = submit(fn, "2000");
        await("the job running").atMost(Duration.ofSeconds(3)).until(() -> status(fn).running() == 1);
        GearmanConsumer consumer = consumer("graceful");

        long start = System.nanoTime();
        context.stop(); // DefaultShutdownStrategy waits for getPendingExchangesSize() to reach 0
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(job.get(1, TimeUnit.SECONDS)).isEqualTo("slept 2000 ms");
        assertThat(stopMillis).as("stop() waited for the job").isGreaterThanOrEqualTo(1000);
        assertThat(stopMillis).isLessThan(5000);
        assertThat(consumer.getHandedBackJobs()).isZero();
        assertThat(consumer.getInFlightJobs()).isZero();
        // gone from gearmand: completed, not requeued for another worker
        assertThat(status(fn).total()).isZero();
    }
}
