package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobPriority;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job is reported completed only once gearmand has evidently processed its result. gearmand (persistent queue)
 * dies while two background jobs run and comes back before they finish: their WORK_COMPLETE goes to sockets of
 * the dead server, so both are reported handed back (never completed), and both run again to completion.
 */
class GearmanResultConfirmationIT extends CamelTestSupport {

    private static final Path QUEUE_DB = tempFile();

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension("-q", "libsqlite3", "--libsqlite3-db", QUEUE_DB.toString());

    private final String fn = Gearman.uniqueFunction("confirm");
    private final List<String> events = new CopyOnWriteArrayList<>();

    private static Path tempFile() {
        try {
            return Files.createTempDirectory("gearmand-queue").resolve("queue.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        context.getComponent("gearman", GearmanComponent.class).addJobListener(new GearmanJobListener() {
            @Override
            public void jobStarted(GearmanJob job) {
                events.add(job.uniqueId() + " started");
            }

            @Override
            public void jobCompleted(GearmanJob job) {
                events.add(job.uniqueId() + " completed");
            }

            @Override
            public void jobFailed(GearmanJob job, Throwable cause) {
                events.add(job.uniqueId() + " failed");
            }

            @Override
            public void jobHandedBack(GearmanJob job, String reason) {
                events.add(job.uniqueId() + " handed back: " + reason);
            }
        });
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers() + "&concurrentConsumers=2&reconnectDelay=50")
                        .process(e -> Thread.sleep(3000));
            }
        };
    }

    private List<String> eventsOf(String unique) {
        return events.stream().filter(e -> e.startsWith(unique + " ")).map(e -> e.substring(unique.length() + 1))
                .toList();
    }

    @Test
    void resultsWrittenToADeadServerAreHandedBackNotCompleted() throws Exception {
        try (GearmanClient client = Gearman.client(gearmand.address())) {
            for (String unique : List.of("k-1", "k-2")) {
                client.submit(new JobRequest(fn, "3000".getBytes(StandardCharsets.UTF_8), unique,
                        JobPriority.NORMAL, true)).get(5, TimeUnit.SECONDS);
            }
        }
        await("both jobs running").atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);

        Thread.sleep(1000); // the scenario: gearmand dies ~1 s into the jobs…
        gearmand.kill();
        Thread.sleep(1000); // …and comes back ~1 s later, on the same port and queue, before they finish
        gearmand.start();

        await("both jobs run again to completion").atMost(Duration.ofSeconds(30))
                .until(() -> events.stream().filter(e -> e.endsWith(" completed")).count() == 2);
        for (String unique : List.of("k-1", "k-2")) {
            assertThat(eventsOf(unique)).as("events of %s", unique).hasSize(4).satisfiesExactly(
                    e -> assertThat(e).isEqualTo("started"),
                    e -> assertThat(e).startsWith("handed back: connection to gearmand lost before it confirmed"
                                                  + " the result").endsWith(WorkerConnectionLoop.RESULT_MAY_BE_LOST),
                    e -> assertThat(e).isEqualTo("started"),
                    e -> assertThat(e).isEqualTo("completed"));
        }
        await("gearmand holds nothing").atMost(Duration.ofSeconds(5))
                .until(() -> Gearman.status(gearmand.address(), fn).total() == 0);
        GearmanConsumer consumer = (GearmanConsumer) context.getRoutes().get(0).getConsumer();
        assertThat(consumer.getHandedBackJobs()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(2)).until(() -> consumer.getInFlightJobs() == 0);
    }
}
