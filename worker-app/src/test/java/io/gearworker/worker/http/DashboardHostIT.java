package io.gearworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.DashboardProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS rebinding against the dashboard: a foreign page whose name now resolves to the dashboard sends its own name as
 * {@code Host}. Such requests are refused, reads and actions alike; IP literals, loopback names and
 * {@code --allowed-host} names are answered.
 */
class DashboardHostIT {

    private static final Duration ANSWER = Duration.ofSeconds(10);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void onlyIpLiteralsLoopbackAndAllowedNamesAreAnswered() throws Exception {
        try (DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers(), "--allow-actions",
                "--allowed-host", "dash.example.org")) {
            URI url = dashboard.url();
            int port = url.getPort();
            for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
                                             "dash.example.org:" + port, "dash.localhost:" + port}) {
                assertThat(RawHttp.get(url, "/api/fleet", host, ANSWER).status()).as(host).isEqualTo(200);
            }
            for (String path : new String[] {"/", "/api/fleet", "/metrics"}) {
                RawHttp.Answer refused = RawHttp.get(url, path, "rebound.example:" + port, ANSWER);
                assertThat(refused.status()).as(path).isEqualTo(421);
                assertThat(refused.text()).contains("--allowed-host").doesNotContain("Exception", "gearman_queue");
            }
            String quiet = "{\"action\":\"quiet\"}";
            RawHttp.Answer action = RawHttp.exchange(url, ("POST /api/actions HTTP/1.1\r\nHost: rebound.example:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + quiet.length()
                    + "\r\nConnection: close\r\n\r\n" + quiet).getBytes(StandardCharsets.US_ASCII), ANSWER);
            assertThat(action.status()).isEqualTo(421);
            assertThat(dashboard.stderr()).doesNotContain("Exception");
        }
    }
}
