package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.ExternalProcess.Result;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.LogCapture;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker survives gearmand going away: it reconnects on its own, under the same worker id. */
class GearmanReconnectIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final LogCapture log = LogCapture.of(WorkerConnectionLoop.class, Level.DEBUG);

    @AfterEach
    void restoreGearmand() throws Exception {
        log.close();
        gearmand.start(); // no-op when running; the next test needs it
    }

    private String reverseRoute(String fn, String workerId) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=" + gearmand.servers() + "&workerId=" + workerId)
                        .routeId(fn)
                        .process(e -> e.getMessage().setBody(
                                new StringBuilder(e.getMessage().getBody(String.class)).reverse().toString()));
            }
        });
        return fn;
    }

    /** Connection attempts that failed since the capture started (the first loss is a WARN, later ones DEBUG). */
    private long failedAttempts() {
        String server = "gearmand " + gearmand.servers();
        return log.messages(Level.DEBUG, server).stream()
                .filter(m -> m.contains(" failed: ") || m.contains(" unreachable"))
                .count();
    }

    @Test
    void workerReconnectsAfterGearmandRestartAndServesWithinTwoSeconds() throws Exception {
        String fn = Gearman.uniqueFunction("reconnect");
        String workerId = fn + "-worker";
        reverseRoute(fn, workerId);
        assertThat(Gearman.call(gearmand.address(), fn, "before", Duration.ofSeconds(5))).isEqualTo("erofeb");
        assertThat(serverStatus(fn)).extracting(ServerStatus::connected, ServerStatus::reconnects,
                ServerStatus::lastError).containsExactly(1, 0L, null);

        gearmand.kill();
        // let the worker fail a few times, so its backoff has grown as in a real outage
        await("failed reconnect attempts").atMost(Duration.ofSeconds(5)).until(() -> failedAttempts() >= 4);
        ServerStatus down = serverStatus(fn);
        assertThat(down.isConnected()).isFalse();
        assertThat(down.reconnects()).isGreaterThanOrEqualTo(3);
        assertThat(down.lastError()).isNotBlank();
        gearmand.start();
        long restarted = System.nanoTime();
        assertThat(Gearman.ADMIN.getpid(gearmand.address())).as("gearmand back on the same port").isNotBlank();

        String result = Gearman.call(gearmand.address(), fn, "after", Duration.ofSeconds(2));
        long servedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);

        assertThat(result).isEqualTo("retfa");
        assertThat(servedMillis).as("served after the restart within").isLessThan(2000);
        assertThat(log.messages(Level.INFO, "Reconnected to gearmand " + gearmand.servers() + " as " + workerId))
                .hasSize(1);
        assertThat(serverStatus(fn).isConnected()).as("connected again").isTrue();
        assertThat(gearadminWorkers()).as("gearadmin --workers").anySatisfy(line ->
                assertThat(line).contains(" " + workerId + " :").contains(fn));
    }

    @Test
    void consumerStartedWhileGearmandIsDownServesOnceItComesUp() throws Exception {
        String fn = Gearman.uniqueFunction("late");
        String workerId = fn + "-worker";
        gearmand.kill();

        reverseRoute(fn, workerId);
        assertThat(context.getRouteController().getRouteStatus(fn)).isEqualTo(ServiceStatus.Started);
        await("failed connection attempts").atMost(Duration.ofSeconds(5)).until(() -> failedAttempts() >= 2);

        gearmand.start();

        assertThat(Gearman.call(gearmand.address(), fn, "late", Duration.ofSeconds(3))).isEqualTo("etal");
        assertThat(Gearman.workersOf(gearmand.address(), fn)).contains(workerId);
    }

    @Test
    void testConnectionOnStartupFailsStartupNamingTheServer() throws Exception {
        int port = freePort();
        String fn = Gearman.uniqueFunction("nostart");

        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + fn + "?servers=127.0.0.1:" + port + "&testConnectionOnStartup=true")
                        .routeId(fn).log("never");
            }
        })).satisfies(e -> {
            List<String> messages = causeMessages(e);
            assertThat(messages).as("the cause chain").anySatisfy(m -> assertThat(m)
                    .contains("127.0.0.1:" + port).contains("testConnectionOnStartup"));
        });
    }

    private ServerStatus serverStatus(String routeId) {
        List<ServerStatus> statuses = ((GearmanConsumer) context.getRoute(routeId).getConsumer()).getServerStatuses();
        assertThat(statuses).extracting(st -> st.server().toString()).containsExactly(gearmand.servers());
        return statuses.get(0);
    }

    private List<String> gearadminWorkers() {
        Result r = ExternalProcess.run(Duration.ofSeconds(5), "gearadmin", "-h", "127.0.0.1", "-p",
                Integer.toString(gearmand.port()), "--workers");
        assertThat(r.timedOut()).as("%s", r).isFalse();
        assertThat(r.exitCode()).as("%s", r).isZero();
        return Arrays.asList(r.stdout().split("\n"));
    }

    private static List<String> causeMessages(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        return messages;
    }

    /** A loopback port nobody listens on: bound by us, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
