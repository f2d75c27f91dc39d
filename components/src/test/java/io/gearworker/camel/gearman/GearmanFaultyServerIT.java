package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.WorkerConnection;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.LogCapture;
import io.gearworker.camel.gearman.test.ScriptedGearmand;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server that breaks the protocol, driven through a real {@code gearman:} consumer: the worker logs a clear line
 * once (not once per attempt), reconnects with growing backoff (no crash loop, no busy spin) and its route lives on.
 */
class GearmanFaultyServerIT extends CamelTestSupport {

    /** Over this long, with reconnectDelay 100 and maxReconnectDelay 1000, a backing-off worker tries ≤ 10 times. */
    private static final Duration WINDOW = Duration.ofSeconds(3);

    private final LogCapture log = LogCapture.of(WorkerConnectionLoop.class);
    private final LogCapture connectionLog = LogCapture.of(WorkerConnection.class);
    private final AtomicInteger routed = new AtomicInteger();
    private ScriptedGearmand server;

    @AfterEach
    void stopServer() throws Exception {
        log.close();
        connectionLog.close();
        if (server != null) {
            server.close();
        }
    }

    private String worker(String options) throws Exception {
        String fn = Gearman.uniqueFunction("faulty");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + server.servers()
                     + "&reconnectDelay=100&maxReconnectDelay=1000" + options)
                        .routeId(fn).process(e -> routed.incrementAndGet());
            }
        });
        return fn;
    }

    private List<String> warnings() {
        return log.messages(Level.WARN, "");
    }

    @Test
    void badMagicBacksOffLikeAnUnreachableServerAndLogsOnce() throws Exception {
        server = ScriptedGearmand.start(s -> {
            s.readRequest();
            s.sendRaw(ScriptedGearmand.header(0x48545450, 6, 0)); // "HTTP" where \0RES belongs
            s.awaitClose();
        });
        String fn = worker("");

        Thread.sleep(WINDOW.toMillis()); // the observation window: count what the worker does meanwhile
        int attempts = server.connections();

        assertThat(attempts).as("connection attempts in %s", WINDOW).isBetween(3, 10);
        assertThat(warnings()).as("WARN lines").hasSizeBetween(1, 2);
        assertThat(warnings().get(0)).contains("Protocol error on gearmand " + server.servers())
                .contains("bad packet magic 0x48545450").contains("reconnecting with backoff");
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
        ServerStatus status = ((GearmanConsumer) context.getRoute(fn).getConsumer()).getServerStatuses().get(0);
        assertThat(status.isConnected()).as("never counted as connected").isFalse();
        assertThat(status.lastError()).contains("bad packet magic");
    }

    @Test
    void aServerThatNeverAnswersIsRetriedWithBackoff() throws Exception {
        server = ScriptedGearmand.start(ScriptedGearmand.Session::awaitClose);
        String fn = worker("&connectTimeout=300");

        Thread.sleep(WINDOW.toMillis());

        assertThat(server.connections()).as("connection attempts in %s", WINDOW).isBetween(2, 10);
        assertThat(warnings()).hasSizeBetween(1, 2);
        assertThat(warnings().get(0)).contains("did not answer within");
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
    }

    static Stream<Arguments> brokenAnswersToAGrab() {
        byte[] noNuls = "H:1 no separators at all".getBytes();
        return Stream.of(
                Arguments.of("garbage", "garbage in the middle".getBytes(), "bad packet magic"),
                Arguments.of("a 4 GiB length", ScriptedGearmand.header(ScriptedGearmand.RES, 6, -1),
                        "NOOP announces 4294967295 bytes, more than maxPayloadSize"),
                Arguments.of("a truncated packet", new byte[] { 0, 'R', 'E', 'S', 0, 0 },
                        "connection ended inside a packet"),
                Arguments.of("an unknown packet type", ScriptedGearmand.header(ScriptedGearmand.RES, 99, 0),
                        "unknown packet type 99"),
                Arguments.of("an ERROR reply", ScriptedGearmand.response(PacketType.ERROR,
                        "ERR_TEST\0not today".getBytes()), "answered ERROR ERR_TEST: not today"),
                Arguments.of("missing NULs", ScriptedGearmand.response(PacketType.JOB_ASSIGN_UNIQ, noNuls),
                        "JOB_ASSIGN_UNIQ needs 4 arguments, found 1"),
                Arguments.of("a request where a response belongs",
                        ScriptedGearmand.response(PacketType.CAN_DO, "x".getBytes()), "unexpected CAN_DO"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenAnswersToAGrab")
    void aBrokenAnswerToAGrabIsLoggedOnceAndRetriedWithBackoff(String what, byte[] answer, String logged)
            throws Exception {
        server = ScriptedGearmand.start(s -> {
            s.handshake(); // registration goes well…
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.sendRaw(answer); // …then the grab gets this
            s.close();
        });
        String fn = worker("");

        Thread.sleep(WINDOW.toMillis());

        assertThat(server.connections()).as("connection attempts in %s", WINDOW).isBetween(2, 10);
        assertThat(warnings()).as("WARN lines").hasSizeBetween(1, 2);
        assertThat(warnings().get(0)).contains("gearmand " + server.servers()).contains(logged);
        assertThat(routed).hasValue(0);
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void aPacketThatStopsHalfwayIsCutOffByTheAnswerTimeout() throws Exception {
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.sendRaw(new byte[] { 0, 'R', 'E', 'S', 0, 0 }); // half a header…
            s.awaitClose();                                   // …and silence, the connection left open
        });
        String fn = worker("&connectTimeout=500");

        Thread.sleep(WINDOW.toMillis());

        assertThat(server.connections()).as("connection attempts in %s", WINDOW).isBetween(2, 10);
        assertThat(warnings()).as("WARN lines").hasSizeBetween(1, 2);
        assertThat(warnings().get(0)).contains("gearmand " + server.servers() + " did not answer within 500 ms");
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
    }

    /** A drain: the job's result goes alone (no grab follows), so an ECHO must confirm it. */
    private List<String> drainAJobAgainst(boolean answerTheEcho) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        context.getComponent("gearman", GearmanComponent.class).addJobListener(new GearmanJobListener() {
            @Override
            public void jobCompleted(GearmanJob job) {
                events.add("completed");
            }

            @Override
            public void jobHandedBack(GearmanJob job, String reason) {
                events.add("handed back: " + reason);
            }
        });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.send(Packet.response(PacketType.JOB_ASSIGN_UNIQ, Packet.text("H:1"), Packet.text("fn"),
                    Packet.text("u-1"), Packet.text("work")));
            s.await(PacketType.WORK_COMPLETE);
            Packet echo = s.await(PacketType.ECHO_REQ);
            if (answerTheEcho) {
                s.send(Packet.response(PacketType.ECHO_RES, echo.argument(0)));
            }
            s.awaitClose();
        });
        String fn = Gearman.uniqueFunction("drained");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:fn?servers=" + server.servers() + "&connectTimeout=1000").routeId(fn)
                        .process(e -> {
                            running.countDown();
                            finish.await();
                        });
            }
        });
        GearmanConsumer consumer = (GearmanConsumer) context.getRoute(fn).getConsumer();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        context.getShutdownStrategy().setTimeout(30);

        long start = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(context::stop);
        await("draining").atMost(Duration.ofSeconds(5)).until(consumer::isGrabbingPaused);
        finish.countDown(); // the job ends during the drain: its result goes alone
        stopped.get(10, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - start) / 1_000_000).as("stop (ms)").isLessThan(6000);
        return events;
    }

    @Test
    void aDrainedJobIsCompletedOnceGearmandAnswersTheEchoAfterItsResult() throws Exception {
        assertThat(drainAJobAgainst(true)).containsExactly("completed");
    }

    @Test
    void aDrainedJobWhoseResultGearmandNeverConfirmsIsHandedBackNotCompleted() throws Exception {
        assertThat(drainAJobAgainst(false)).singleElement().asString()
                .startsWith("handed back: connection to gearmand lost before it confirmed the result (gearmand "
                            + server.servers() + " did not answer within")
                .endsWith(WorkerConnectionLoop.RESULT_MAY_BE_LOST);
    }

    @Test
    void aServerThatComesRightIsServedAfterTheTroubles() throws Exception {
        AtomicInteger connection = new AtomicInteger();
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            if (connection.incrementAndGet() <= 2) {
                s.sendRaw(ScriptedGearmand.header(ScriptedGearmand.RES, 99, 0));
                s.close();
                return;
            }
            s.send(Packet.response(PacketType.JOB_ASSIGN_UNIQ, Packet.text("H:1"), Packet.text("fn"),
                    Packet.text(""), Packet.text("work")));
            s.awaitClose();
        });
        String fn = Gearman.uniqueFunction("healed");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:fn?servers=" + server.servers() + "&reconnectDelay=50&connectTimeout=500").routeId(fn)
                        .process(e -> routed.incrementAndGet());
            }
        });

        await("the job of the third connection routed").atMost(Duration.ofSeconds(5)).until(() -> routed.get() == 1);
        assertThat(log.messages(Level.INFO, "Reconnected to gearmand " + server.servers())).hasSize(1);
    }

    @Test
    void aJobForAFunctionThisConnectionNeverRegisteredIsFailedNotRouted() throws Exception {
        List<Packet> answers = new CopyOnWriteArrayList<>();
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.send(Packet.response(PacketType.JOB_ASSIGN_UNIQ, Packet.text("H:stray"), Packet.text("someone_else"),
                    Packet.text("u-1"), Packet.text("not for us")));
            answers.add(s.await(PacketType.WORK_FAIL));
            answers.add(s.readRequest()); // what the worker does next
            s.awaitClose();
        });
        worker("&connectTimeout=500");

        await("the worker answered").atMost(Duration.ofSeconds(5)).until(() -> answers.size() == 2);
        assertThat(answers.get(0)).isEqualTo(Packet.request(PacketType.WORK_FAIL, Packet.text("H:stray")));
        assertThat(answers.get(1).type()).as("it goes to sleep: the grab brought no job of its own")
                .isEqualTo(PacketType.PRE_SLEEP);
        assertThat(log.messages(Level.WARN, "")).hasSize(0);
        assertThat(connectionLog.messages(Level.WARN, "")).singleElement().asString()
                .contains("'someone_else'").contains("H:stray").contains("sent WORK_FAIL");
        assertThat(routed).hasValue(0);
        assertThat(server.connections()).as("the connection stays up").isEqualTo(1);
    }

    @Test
    void aStopWaitsForAnUnansweredGrabOnlyBrieflyAndHandsNothingBack() throws Exception {
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            s.awaitClose(); // the grab is never answered
        });
        String fn = worker("&connectTimeout=1000");
        GearmanConsumer consumer = (GearmanConsumer) context.getRoute(fn).getConsumer();
        await("the grab sent").atMost(Duration.ofSeconds(5)).until(() -> consumer.getInFlightJobs() == 1);
        context.getShutdownStrategy().setTimeout(30);

        long start = System.nanoTime();
        context.stop();
        long stopMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(stopMillis).as("stop waited for the unanswered grab (ms)").isLessThan(6000);
        assertThat(consumer.getHandedBackJobs()).isZero();
        assertThat(consumer.getInFlightJobs()).isZero();
        assertThat(routed).hasValue(0);
    }

    @Test
    void aNoopFloodAllocatesNothingPerPacket() throws Exception {
        long noops = 2_000_000;
        CountDownLatch flood = new CountDownLatch(1);
        CountDownLatch consumed = new CountDownLatch(1);
        server = ScriptedGearmand.start(s -> {
            s.handshake();
            s.await(PacketType.GRAB_JOB_UNIQ);
            flood.await();
            s.flood(ScriptedGearmand.header(ScriptedGearmand.RES, PacketType.NOOP.code(), 0), noops);
            s.send(Packet.response(PacketType.NO_JOB));
            s.await(PacketType.PRE_SLEEP); // sent after NO_JOB: every NOOP before it was read
            consumed.countDown();
            s.awaitClose();
        });
        String fn = worker("&connectTimeout=500");
        GearmanConsumer consumer = (GearmanConsumer) context.getRoute(fn).getConsumer();
        await("the grab sent").atMost(Duration.ofSeconds(5)).until(() -> consumer.getInFlightJobs() == 1);
        Thread loop = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains(fn))
                .findFirst().orElseThrow();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(loop.getId());

        flood.countDown();
        assertThat(consumed.await(60, TimeUnit.SECONDS)).as("the flood read").isTrue();
        long allocated = threads.getThreadAllocatedBytes(loop.getId()) - before;

        // 2 million NOOPs are 24 MB on the wire; a few objects per packet would be hundreds of MB
        assertThat(allocated).as("bytes allocated by the connection's thread while reading %d NOOPs", noops)
                .isLessThan(4L * 1024 * 1024);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(warnings()).isEmpty();
    }
}
