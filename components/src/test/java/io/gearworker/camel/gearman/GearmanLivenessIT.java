package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.LogCapture;
import io.gearworker.camel.gearman.test.ScriptedGearmand;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gearmand that falls silent without closing anything (SIGSTOP: the kernel still accepts and acknowledges, the
 * server answers nothing, as a host behind a silent partition) is noticed by the worker within the liveness bound,
 * heartbeatInterval + answerTimeout; a job running meanwhile is never cut off.
 */
class GearmanLivenessIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension a = new GearmandExtension();
    @RegisterExtension
    static GearmandExtension b = new GearmandExtension();

    /** heartbeatInterval + answerTimeout of the routes below. */
    private static final long BOUND_MILLIS = 1000 + 500;
    /** What a loaded 2-core machine may add to the bound: watchdog tick, thread scheduling, a GC. */
    private static final long SLACK_MILLIS = 1000;

    private final LogCapture log = LogCapture.of(WorkerConnectionLoop.class);
    private ScriptedGearmand scripted;

    @AfterEach
    void resumeServers() throws Exception {
        log.close();
        a.resume();
        b.resume();
        if (scripted != null) {
            scripted.close();
        }
    }

    private String reverseRoute(String servers, String options) throws Exception {
        String fn = Gearman.uniqueFunction("live");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + servers + "&heartbeatInterval=1000&answerTimeout=500"
                     + "&reconnectDelay=50&maxReconnectDelay=500" + options)
                        .routeId(fn)
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
            }
        });
        return fn;
    }

    private GearmanConsumer consumer(String routeId) {
        return (GearmanConsumer) context.getRoute(routeId).getConsumer();
    }

    private ServerStatus status(String routeId, ServerAddress server) {
        return consumer(routeId).getServerStatuses().stream().filter(s -> s.server().equals(server)).findFirst()
                .orElseThrow();
    }

    @Test
    void aSleepingConnectionToASilencedServerReconnectsWithinTheBoundAndServesAfterwards() throws Exception {
        String fn = reverseRoute(a.servers(), "");
        assertThat(Gearman.call(a.address(), fn, "before", Duration.ofSeconds(5))).isEqualTo("erofeb");
        await("asleep after the job").pollDelay(Duration.ofMillis(200)).until(() -> status(fn, a.address())
                .isConnected());

        a.silence();
        long silenced = System.nanoTime();
        await("disconnected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !status(fn, a.address()).isConnected());
        long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silenced);
        a.resume();

        assertThat(noticedMillis).as("silence noticed after (ms)").isLessThanOrEqualTo(BOUND_MILLIS + SLACK_MILLIS);
        assertThat(log.messages(Level.WARN, "gearmand " + a.servers())).first().asString()
                .contains("did not answer within 500 ms (awaiting the heartbeat)");
        assertThat(Gearman.call(a.address(), fn, "after", Duration.ofSeconds(5))).isEqualTo("retfa");
        assertThat(status(fn, a.address()).isConnected()).isTrue();
    }

    @Test
    void aJobRunningThroughManyHeartbeatIntervalsIsNeitherClosedNorHandedBack() throws Exception {
        String fn = Gearman.uniqueFunction("slow");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + a.servers() + "&heartbeatInterval=100&answerTimeout=100")
                        .routeId(fn).delay(1500).setBody(constant("done"));
            }
        });

        String result = Gearman.call(a.address(), fn, "x", Duration.ofSeconds(10));

        assertThat(result).isEqualTo("done");
        assertThat(consumer(fn).getHandedBackJobs()).isZero();
        assertThat(status(fn, a.address()).reconnects()).isZero();
        assertThat(log.messages(Level.WARN, "")).isEmpty();
    }

    @Test
    void withOneOfTwoServersSilencedJobsThroughTheOtherFinishWithoutAStallAtOneSlot() throws Exception {
        String fn = reverseRoute(a.servers() + "," + b.servers(), "&concurrentConsumers=1");
        List<Long> finished = new CopyOnWriteArrayList<>();
        AtomicBoolean submitting = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        Thread client = new Thread(() -> {
            try (GearmanClient c = Gearman.client(b.address())) {
                while (submitting.get()) {
                    try {
                        c.submit(JobRequest.foreground(fn, "abc".getBytes(StandardCharsets.UTF_8)))
                                .get(10, TimeUnit.SECONDS);
                        finished.add(System.nanoTime());
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }
        }, "liveness-test-client");
        await("both servers connected").until(() -> status(fn, a.address()).isConnected()
                                                    && status(fn, b.address()).isConnected());
        client.start();
        await("jobs flowing").until(() -> finished.size() > 50);

        a.silence();
        long silenced = System.nanoTime();
        await("a disconnected").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !status(fn, a.address()).isConnected());
        long noticedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silenced);
        Thread.sleep(3000); // jobs through b go on while a's loop keeps failing to reconnect
        submitting.set(false);
        client.join(15_000);

        long longestGapMillis = 0;
        for (int i = 1; i < finished.size(); i++) {
            longestGapMillis = Math.max(longestGapMillis,
                    TimeUnit.NANOSECONDS.toMillis(finished.get(i) - finished.get(i - 1)));
        }
        assertThat(noticedMillis).as("a's silence noticed after (ms)").isLessThanOrEqualTo(BOUND_MILLIS
                                                                                          + SLACK_MILLIS);
        assertThat(longestGapMillis).as("longest gap between finished jobs (ms)").isLessThan(3000);
        assertThat(failures).hasValue(0);
        assertThat(status(fn, b.address()).isConnected()).isTrue();
        assertThat(status(fn, a.address()).isConnected()).isFalse();
    }

    @Test
    void aNoopBeforeTheHeartbeatsEchoResIsTheWakeUp() throws Exception {
        CountDownLatch completed = new CountDownLatch(1);
        AtomicInteger heartbeats = new AtomicInteger();
        scripted = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.send(Packet.response(PacketType.NO_JOB));
            s.await(PacketType.PRE_SLEEP);
            Packet echo = s.await(PacketType.ECHO_REQ); // the heartbeat, sent while asleep
            heartbeats.incrementAndGet();
            s.send(Packet.response(PacketType.NOOP), Packet.response(PacketType.ECHO_RES, echo.argument(0)));
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.send(Packet.response(PacketType.JOB_ASSIGN_UNIQ, Packet.text("H:1"), Packet.text("fn"),
                    Packet.text(""), Packet.text("olleh")));
            s.await(PacketType.WORK_COMPLETE);
            completed.countDown();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.send(Packet.response(PacketType.NO_JOB));
            s.awaitClose();
        });
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:fn?servers=" + scripted.servers() + "&heartbeatInterval=300&answerTimeout=1000")
                        .routeId("fn").setBody(constant("hello"));
            }
        });

        assertThat(completed.await(10, TimeUnit.SECONDS)).as("the job woken by the NOOP ran").isTrue();
        assertThat(heartbeats).hasValue(1);
        assertThat(scripted.connections()).as("one connection throughout").isEqualTo(1);
        assertThat(log.messages(Level.WARN, "")).isEmpty();
    }
}
