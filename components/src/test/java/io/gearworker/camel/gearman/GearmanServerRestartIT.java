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
 * gearmand dies while our worker runs a background job, and comes back with its persistent queue: the worker
 * reconnects, the job that was never acknowledged is run again and completed. Nothing is lost (at-least-once: the
 * interrupted run's result could not be delivered, so the job runs twice).
 */
class GearmanServerRestartIT extends CamelTestSupport {

    private static final Path QUEUE_DB = tempFile();

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension("--queue-type=libsqlite3",
            "--libsqlite3-db=" + QUEUE_DB);

    private final List<String> finishedRuns = new CopyOnWriteArrayList<>();
    private final String fn = Gearman.uniqueFunction("restart");

    private static Path tempFile() {
        try {
            return Files.createTempDirectory("gearmand-queue").resolve("queue.db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers() + "&reconnectDelay=50")
                        .process(e -> {
                            Thread.sleep(1500);
                            finishedRuns.add(e.getMessage().getHeader(GearmanConstants.UNIQUE_ID, String.class));
                        });
            }
        };
    }

    @Test
    void jobInFlightWhenGearmandRestartsIsCompletedAfterwards() throws Exception {
        GearmanConsumer consumer = (GearmanConsumer) context.getRoutes().get(0).getConsumer();
        try (GearmanClient client = Gearman.client(gearmand.address())) {
            client.submit(new JobRequest(fn, "x".getBytes(StandardCharsets.UTF_8), "job-1", JobPriority.NORMAL,
                    true)).get(5, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.getInFlightJobs() == 1);

        gearmand.kill();
        gearmand.start();

        await("the job is run again and acknowledged").atMost(Duration.ofSeconds(15))
                .until(() -> finishedRuns.size() == 2 && Gearman.status(gearmand.address(), fn).total() == 0);
        // the first run's WORK_COMPLETE went to a dead socket (TCP may even accept the write): gearmand never saw it
        assertThat(finishedRuns).containsExactly("job-1", "job-1");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> finishedRuns.size() == 2 && consumer.getInFlightJobs() == 0);
    }
}
