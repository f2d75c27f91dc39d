package io.gearworker.camel.gearman.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The restart policies in a plain Camel app (no restart request set): the limit stops grabbing, the jobs in flight
 * finish and are acknowledged, and the route stops; jobs never taken stay queued in gearmand.
 */
class RestartPoliciesIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final List<String> started = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    private String sleepRoute(String fn, int slots, RestartPolicySupport policy) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers() + "&concurrentConsumers=" + slots)
                        .routeId(fn).routePolicy(policy)
                        .process(e -> {
                            started.add(e.getMessage().getHeader("CamelGearmanJobHandle", String.class));
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            Thread.sleep(Long.parseLong(e.getMessage().getBody(String.class)));
                            running.decrementAndGet();
                        })
                        .setBody(constant("done"));
            }
        });
        return fn;
    }

    @Test
    void maxJobsTakesNoMoreThanItsLimitAcrossAllSlots() throws Exception {
        String fn = sleepRoute(Gearman.uniqueFunction("maxjobs"), 4, new MaxJobsRoutePolicy(5));
        List<CompletableFuture<JobResult>> results = new ArrayList<>();
        try (GearmanClient client = Gearman.client(gearmand.address())) {
            for (int i = 0; i < 40; i++) {
                results.add(client.submit(JobRequest.foreground(fn, "100".getBytes(StandardCharsets.UTF_8))));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> context.getRouteController().getRouteStatus(fn) == ServiceStatus.Stopped);
            long completed = results.stream().filter(f -> {
                try {
                    return "done".equals(new String(f.get(1, TimeUnit.MILLISECONDS).data(), StandardCharsets.UTF_8));
                } catch (Exception e) {
                    return false;
                }
            }).count();
            assertThat(started).as("jobs taken").hasSize(5).doesNotHaveDuplicates();
            assertThat(completed).as("every taken job's client got its result").isEqualTo(5);
            assertThat(maxRunning.get()).isLessThanOrEqualTo(4);
            assertThat(Gearman.status(gearmand.address(), fn).total()).as("left queued for other workers")
                    .isEqualTo(35);
        }
    }

    @Test
    void maxLifetimeStopsAnIdleRouteOnTime() throws Exception {
        String fn = sleepRoute(Gearman.uniqueFunction("lifetime_idle"), 1,
                new MaxLifetimeRoutePolicy(Duration.ofMillis(800), Duration.ZERO));
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> context.getRouteController().getRouteStatus(fn) == ServiceStatus.Stopped);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700),
                Duration.ofMillis(3000));
        assertThat(started).isEmpty();
    }

    @Test
    void maxLifetimeLetsTheRunningJobFinishFirst() throws Exception {
        String fn = sleepRoute(Gearman.uniqueFunction("lifetime_busy"), 1,
                new MaxLifetimeRoutePolicy(Duration.ofMillis(500), Duration.ZERO));
        try (GearmanClient client = Gearman.client(gearmand.address())) {
            CompletableFuture<JobResult> job = client.submit(
                    JobRequest.foreground(fn, "2000".getBytes(StandardCharsets.UTF_8)));
            assertThat(new String(job.get(10, TimeUnit.SECONDS).data(), StandardCharsets.UTF_8)).isEqualTo("done");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> context.getRouteController().getRouteStatus(fn) == ServiceStatus.Stopped);
            assertThat(started).hasSize(1);
        }
    }

    @Test
    void maxMemoryStopsTheRouteWhenTheOldGenerationStaysAboveTheThresholdAfterGc() throws Exception {
        // a threshold of one byte: whatever survives the next full collection is "too much"
        String fn = sleepRoute(Gearman.uniqueFunction("memory"), 1, new MaxMemoryRoutePolicy(1));
        System.gc();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> context.getRouteController().getRouteStatus(fn) == ServiceStatus.Stopped);
    }
}
