package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.StatusSampler;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code concurrentConsumers} is the number of jobs this endpoint runs at once, as gearmand sees it: enough jobs
 * run in parallel, and no more than that are ever taken, on one server or summed over several.
 */
class GearmanConcurrencyIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();
    @RegisterExtension
    static GearmandExtension gearmand2 = new GearmandExtension();

    private static final long SAMPLE_PERIOD_MS = 20;

    /** Route instrumentation: jobs in the route right now, and the most seen at once. */
    private final AtomicInteger inRoute = new AtomicInteger();
    private final AtomicInteger maxInRoute = new AtomicInteger();

    private String sleepRoute(String servers, int slots, long sleepMillis) throws Exception {
        String fn = Gearman.uniqueFunction("sleep" + sleepMillis);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + servers + "&concurrentConsumers=" + slots)
                        .process(e -> maxInRoute.accumulateAndGet(inRoute.incrementAndGet(), Math::max))
                        .delay(sleepMillis)
                        .process(e -> inRoute.decrementAndGet())
                        .setBody(simple("slept ${body}"));
            }
        });
        return fn;
    }

    /** Submits all jobs at once; returns each job's completion time in ms since the submission, in input order. */
    private static List<Long> runAll(GearmanClient client, String fn, int count, List<String> results) {
        long start = System.nanoTime();
        List<CompletableFuture<Long>> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String payload = "job" + i;
            jobs.add(client.submit(JobRequest.foreground(fn, payload.getBytes(StandardCharsets.UTF_8)))
                    .thenApply(r -> {
                        results.add(new String(r.data(), StandardCharsets.UTF_8));
                        return (System.nanoTime() - start) / 1_000_000;
                    }));
        }
        return all(jobs);
    }

    @Test
    void fourSlotsRunFourOneSecondJobsInParallel() throws Exception {
        String fn = sleepRoute(gearmand.servers(), 4, 1000);
        List<String> results = new CopyOnWriteArrayList<>();

        try (GearmanClient client = Gearman.client(gearmand.address())) {
            List<Long> done = runAll(client, fn, 4, results);

            assertThat(done).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(1000).isLessThan(2000));
        }
        assertThat(results).containsExactlyInAnyOrder("slept job0", "slept job1", "slept job2", "slept job3");
        assertThat(maxInRoute).hasValue(4);
    }

    @Test
    void aFifthJobWaitsForAFreeSlotAndGearmandNeverSeesMoreThanFourRunning() throws Exception {
        String fn = sleepRoute(gearmand.servers(), 4, 1000);
        List<String> results = new CopyOnWriteArrayList<>();

        List<Long> done;
        List<Integer> running;
        try (GearmanClient client = Gearman.client(gearmand.address());
             StatusSampler sampler = StatusSampler.start(fn, SAMPLE_PERIOD_MS, gearmand.address())) {
            done = runAll(client, fn, 5, results);
            running = sampler.stop();
        }

        assertThat(results).hasSize(5);
        List<Long> sorted = done.stream().sorted().toList();
        assertThat(sorted.subList(0, 4)).allSatisfy(ms -> assertThat(ms).isLessThan(2000));
        assertThat(sorted.get(4)).as("the fifth job runs only after a slot freed").isGreaterThanOrEqualTo(2000);
        assertThat(running).as("jobs gearmand saw running, sampled every %d ms", SAMPLE_PERIOD_MS)
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4))
                .contains(4);
        assertThat(maxInRoute).hasValue(4);
        assertThat(Gearman.status(gearmand.address(), fn).total()).isZero();
    }

    @Test
    void slotsAreSharedAcrossServers() throws Exception {
        String fn = sleepRoute(gearmand.servers() + "," + gearmand2.servers(), 2, 500);
        List<String> results = new CopyOnWriteArrayList<>();

        List<Integer> running;
        long elapsed;
        try (GearmanClient a = Gearman.client(gearmand.address());
             GearmanClient b = Gearman.client(gearmand2.address());
             StatusSampler sampler = StatusSampler.start(fn, SAMPLE_PERIOD_MS, gearmand.address(),
                     gearmand2.address())) {
            long start = System.nanoTime();
            List<CompletableFuture<String>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(submit(a, fn, "a" + i));
                jobs.add(submit(b, fn, "b" + i));
            }
            results.addAll(all(jobs));
            elapsed = (System.nanoTime() - start) / 1_000_000;
            running = sampler.stop();
        }

        assertThat(results).containsExactlyInAnyOrder("slept a0", "slept a1", "slept a2", "slept b0", "slept b1",
                "slept b2");
        // six 500 ms jobs through two slots: three rounds at least
        assertThat(elapsed).isGreaterThanOrEqualTo(1500);
        assertThat(maxInRoute).as("jobs in the route at once, over both servers").hasValue(2);
        // The two servers' status cannot be read atomically: while a slot moves from one server to the other
        // between the two reads, one sample may count the job twice. A third job really running would last
        // 500 ms, i.e. many samples in a row; so no two consecutive samples may exceed the limit.
        assertThat(running).as("jobs running on both servers, sampled every %d ms", SAMPLE_PERIOD_MS)
                .isNotEmpty()
                .contains(2);
        for (int i = 1; i < running.size(); i++) {
            assertThat(Math.min(running.get(i - 1), running.get(i)))
                    .as("running jobs summed over both servers, samples %d-%d of %s", i - 1, i, running)
                    .isLessThanOrEqualTo(2);
        }
    }

    private static CompletableFuture<String> submit(GearmanClient client, String fn, String payload) {
        return client.submit(JobRequest.foreground(fn, payload.getBytes(StandardCharsets.UTF_8)))
                .thenApply(r -> new String(r.data(), StandardCharsets.UTF_8));
    }

    /** Every job's value in input order, waiting at most 15 s in all. */
    private static <T> List<T> all(List<CompletableFuture<T>> jobs) {
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).orTimeout(15, TimeUnit.SECONDS).join();
        return jobs.stream().map(CompletableFuture::join).toList();
    }
}
