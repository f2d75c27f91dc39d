package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobPriority;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.protocol.Liveness;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.protocol.UnansweredSubmissionException;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client across two real gearmands: a unique id goes to the server it hashes to whatever the list's order,
 * a silent server is skipped, an unanswered submission fails (or, when asked, goes to the next server), and a
 * foreground job whose server falls silent fails within the liveness bound.
 */
class GearmanClientFailoverIT {

    @RegisterExtension
    static GearmandExtension a = new GearmandExtension();
    @RegisterExtension
    static GearmandExtension b = new GearmandExtension();

    private static final ExecutorService READERS = Executors.newCachedThreadPool();
    /** heartbeatInterval 500 + answerTimeout 500. */
    private static final Liveness LIVENESS = new Liveness(Duration.ofSeconds(2), Duration.ofMillis(500),
            Duration.ofMillis(500));
    private static final long SLACK_MILLIS = 1500;

    @AfterEach
    void resume() throws Exception {
        a.resume();
        b.resume();
    }

    @AfterAll
    static void stopReaders() {
        READERS.shutdownNow();
    }

    private static GearmanClient client(boolean resubmitUnanswered, ServerAddress... servers) {
        return new GearmanClient(List.of(servers), new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE), LIVENESS,
                READERS, null, resubmitUnanswered);
    }

    private static JobRequest child(String fn, String uniqueId) {
        return new JobRequest(fn, new byte[0], uniqueId, JobPriority.NORMAL, true);
    }

    private static Map<String, ServerAddress> serverPerId(GearmanClient client, String fn, int ids) {
        Map<String, ServerAddress> placed = new HashMap<>();
        for (int i = 0; i < ids; i++) {
            String id = "child-" + i;
            placed.put(id, client.submit(child(fn, id)).orTimeout(5, TimeUnit.SECONDS).join().server());
        }
        return placed;
    }

    @Test
    void aUniqueIdGoesToTheServerItHashesToWhateverTheListsOrder() {
        String fn = Gearman.uniqueFunction("hashed");
        Map<String, ServerAddress> first;
        Map<String, ServerAddress> again;
        try (GearmanClient ab = client(false, a.address(), b.address())) {
            first = serverPerId(ab, fn, 40);
        }
        try (GearmanClient ba = client(false, b.address(), a.address())) {
            again = serverPerId(ba, fn, 40);
        }

        assertThat(again).isEqualTo(first);
        assertThat(first.values()).as("both servers get some ids").contains(a.address(), b.address());
    }

    @Test
    void aSilencedServersIdsFailOnceThenGoToTheOtherServer() throws Exception {
        String fn = Gearman.uniqueFunction("failover");
        try (GearmanClient client = client(false, a.address(), b.address())) {
            Map<String, ServerAddress> placed = serverPerId(client, fn, 20);
            List<String> idsOfA = placed.entrySet().stream().filter(e -> e.getValue().equals(a.address()))
                    .map(Map.Entry::getKey).sorted().toList();
            assertThat(idsOfA).hasSizeGreaterThan(1);

            a.silence();
            long silenced = System.nanoTime();
            CompletableFuture<JobResult> lost = client.submit(child(fn, idsOfA.get(0)));
            Object outcome = lost.handle((r, e) -> e != null ? e : "completed on " + r.server())
                    .get(10, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(UnansweredSubmissionException.class);
            assertThat(((Throwable) outcome).getMessage()).contains("did not answer");
            long failedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silenced);
            JobResult moved = client.submit(child(fn, idsOfA.get(1))).get(5, TimeUnit.SECONDS);

            assertThat(failedMillis).as("unanswered submission failed after (ms)").isLessThan(500 + SLACK_MILLIS);
            assertThat(moved.server()).as("the next id of the silent server").isEqualTo(b.address());
        }
    }

    @Test
    void withResubmitUnansweredASilencedServersSubmissionGoesToTheOtherServer() throws Exception {
        String fn = Gearman.uniqueFunction("resubmit");
        try (GearmanClient client = client(true, a.address(), b.address())) {
            Map<String, ServerAddress> placed = serverPerId(client, fn, 20);
            String idOfA = placed.entrySet().stream().filter(e -> e.getValue().equals(a.address()))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();

            a.silence();
            JobResult result = client.submit(child(fn, idOfA)).get(10, TimeUnit.SECONDS);

            assertThat(result.server()).isEqualTo(b.address());
        }
    }

    @Test
    void aForegroundJobWhoseServerFallsSilentFailsWithinTheLivenessBound() throws Exception {
        String fn = Gearman.uniqueFunction("vanish"); // no worker: the job waits queued
        try (GearmanClient client = client(false, a.address())) {
            CompletableFuture<JobResult> job = client.submit(JobRequest.foreground(fn, new byte[0]));
            org.awaitility.Awaitility.await("queued").until(() -> Gearman.status(a.address(), fn).total() == 1);

            a.silence();
            long silenced = System.nanoTime();
            assertThatThrownBy(() -> job.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("lost before the job finished")
                    .hasMessageContaining("did not answer within 500 ms (awaiting the heartbeat)");
            long failedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silenced);

            assertThat(failedMillis).as("failed after (ms)").isLessThan(1000 + SLACK_MILLIS);
        }
    }
}
