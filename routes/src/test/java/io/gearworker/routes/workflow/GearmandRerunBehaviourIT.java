package io.gearworker.routes.workflow;

import static io.gearworker.camel.gearman.protocol.Packet.request;
import static io.gearworker.camel.gearman.protocol.Packet.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.PacketConnection;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What gearmand (1.1) does to the jobs of a workflow parent that runs again, shown with raw packets and no project
 * code above the packet layer. These facts are why a re-run parent submits its children under ids of its own
 * ({@link ChildIds}) instead of re-joining the first run's.
 */
class GearmandRerunBehaviourIT {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aQueuedJobLeftByItsLastClientSwallowsTheNextSubmissionOfItsUniqueId() throws IOException {
        String function = Gearman.uniqueFunction("zombie");
        String leaver = "leaver-" + function;
        String handle;
        try (PacketConnection first = connect()) {
            first.send(request(PacketType.SET_CLIENT_ID, text(leaver)));
            handle = created(first, function, "child/0");
        }
        // gearmand has seen the first client leave once its connection is gone from the admin listing
        await().atMost(LIMIT).until(() -> Gearman.ADMIN.workers(GEARMAND.address()).stream()
                .noneMatch(w -> w.clientId().equals(leaver)));

        try (PacketConnection rerun = connect(); PacketConnection worker = connect()) {
            assertThat(created(rerun, function, "child/0"))
                    .as("a client attaching later by the same unique id joins the abandoned job").isEqualTo(handle);
            assertThat(status(rerun, handle)).as("GET_STATUS cannot tell it from a healthy queued job: known, "
                                                 + "not running").containsExactly("1", "0");

            worker.send(request(PacketType.CAN_DO, text(function)), request(PacketType.GRAB_JOB_UNIQ));
            assertThat(worker.receive().type()).as("the worker that reaches the job is never given it")
                    .isEqualTo(PacketType.NO_JOB);
            assertThat(status(rerun, handle))
                    .as("gone without a word to the client that joined it (anything sent would arrive first)")
                    .containsExactly("0", "0");
        }
        assertThat(Gearman.status(GEARMAND.address(), function).total()).isZero();
    }

    @Test
    void aJobRequeuedAfterItsWorkerDiedKeepsItsHandleAndUniqueId() throws IOException {
        String function = Gearman.uniqueFunction("requeued");
        try (PacketConnection client = connect()) {
            String handle = created(client, function, "parent-1");
            Packet first;
            try (PacketConnection dying = connect()) {
                first = grab(dying, function);
            }
            AtomicReference<Packet> again = new AtomicReference<>();
            try (PacketConnection next = connect()) {
                await().atMost(LIMIT).until(() -> {
                    again.set(grab(next, function));
                    return again.get().type() == PacketType.JOB_ASSIGN_UNIQ;
                });
            }
            assertThat(first.textArgument(0)).isEqualTo(handle);
            assertThat(again.get().textArgument(0))
                    .as("the second assignment looks like the first: no per-attempt identity from gearmand")
                    .isEqualTo(handle);
            assertThat(again.get().textArgument(2)).isEqualTo("parent-1");
        }
    }

    private static PacketConnection connect() throws IOException {
        return PacketConnection.open(GEARMAND.address(), new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                Duration.ofSeconds(5));
    }

    /** Submits a foreground job and returns the handle of JOB_CREATED. */
    private static String created(PacketConnection client, String function, String uniqueId) throws IOException {
        client.send(request(PacketType.SUBMIT_JOB, text(function), text(uniqueId), text("1000")));
        Packet p = client.receive();
        assertThat(p.type()).as(p.toString()).isEqualTo(PacketType.JOB_CREATED);
        return p.textArgument(0);
    }

    /** GET_STATUS: [known, running]. */
    private static String[] status(PacketConnection client, String handle) throws IOException {
        client.send(request(PacketType.GET_STATUS, text(handle)));
        Packet p = client.receive();
        assertThat(p.type()).as(p.toString()).isEqualTo(PacketType.STATUS_RES);
        return new String[] { p.textArgument(1), p.textArgument(2) };
    }

    /** CAN_DO + GRAB_JOB_UNIQ: JOB_ASSIGN_UNIQ or NO_JOB. */
    private static Packet grab(PacketConnection worker, String function) {
        try {
            worker.send(request(PacketType.CAN_DO, text(function)), request(PacketType.GRAB_JOB_UNIQ));
            Packet p = worker.receive();
            while (p.type() == PacketType.NOOP) {
                p = worker.receive();
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
