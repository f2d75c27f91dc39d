package io.gearworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.DashboardProcess;
import io.gearworker.worker.WorkerProcessHandle;
import io.gearworker.worker.runtime.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's HTTP endpoint and the dashboard as a careless or hostile crowd uses them: slow clients that send one
 * byte and wait, many fast clients, oversized headers and bodies. The probes ({@code /health/live}, the dashboard's
 * {@code /metrics}) answer within a second throughout.
 */
class HttpEndpointsUnderLoadIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration PROBE = Duration.ofSeconds(1);
    private static final int SLOW_CLIENTS = 50;

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private static WorkerProcessHandle worker;
    private static DashboardProcess dashboard;
    private static URI workerUrl;

    @BeforeAll
    static void start() {
        worker = WorkerProcessHandle.builder(GEARMAND.servers()).args("--http-port", "0").start();
        workerUrl = URI.create("http://" + worker.awaitEvent(EventType.READY, LIMIT).field("http") + "/");
        dashboard = DashboardProcess.start("--servers", GEARMAND.servers());
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private static void probesAnswerWithinASecond() throws IOException {
        RawHttp.Answer live = RawHttp.get(workerUrl, "/health/live", PROBE);
        assertThat(live.status()).as(live.text()).isEqualTo(200);
        assertThat(live.took()).isLessThan(PROBE);
        RawHttp.Answer metrics = RawHttp.get(dashboard.url(), "/metrics", PROBE);
        assertThat(metrics.status()).as(metrics.text()).isEqualTo(200);
        assertThat(metrics.text()).contains("gearman_queue_server_up");
        assertThat(metrics.took()).isLessThan(PROBE);
    }

    @Test
    void fiftySlowClientsEachDoNotSilenceTheProbesAndAreCutOffAfterTheRequestTime() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                slow.add(RawHttp.slowClient(workerUrl));
                slow.add(RawHttp.slowClient(dashboard.url()));
            }
            for (int round = 0; round < 3; round++) {
                probesAnswerWithinASecond();
            }
            // the slow ones still open are closed by the server once the request time (5 s) is up
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.stream().allMatch(HttpEndpointsUnderLoadIT::closed));
            probesAnswerWithinASecond();
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void manyFastClientsAreAllAnsweredAndTheProbesToo() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                URI base = i % 2 == 0 ? workerUrl : dashboard.url();
                answers.add(clients.submit(() -> RawHttp.get(base, "/metrics", Duration.ofSeconds(10)).status()));
            }
            probesAnswerWithinASecond();
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void oversizedHeadersAndBodiesAreRefusedAndTheProbesStillAnswer() throws Exception {
        String bigHeader = "X-Big: " + "a".repeat(64 * 1024) + "\r\n";
        for (URI base : List.of(workerUrl, dashboard.url())) {
            RawHttp.Answer headers = RawHttp.exchange(base, ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bigHeader
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
            assertThat(headers.status()).as("headers beyond 32 KiB: " + headers.text()).isNotEqualTo(200);
        }
        byte[] body = new byte[8 * 1024 * 1024];
        RawHttp.Answer workerPost = RawHttp.exchange(workerUrl, concat(("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n"), body), Duration.ofSeconds(10));
        assertThat(workerPost.status()).as(workerPost.text()).isEqualTo(405);
        RawHttp.Answer dashboardPost = RawHttp.exchange(dashboard.url(), concat(("POST /api/actions HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n"), body), Duration.ofSeconds(10));
        assertThat(dashboardPost.status()).as(dashboardPost.text()).isEqualTo(403);
        probesAnswerWithinASecond();
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Whether the server has closed this connection (without a byte read, it reads end of stream or reset). */
    private static boolean closed(Socket socket) {
        try {
            socket.setSoTimeout(1);
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
