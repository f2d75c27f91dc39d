package io.gearworker.worker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dashboard}'s usage errors exit 2 naming the option, before anything listens (in-process, no server). */
class DashboardUsageIT {

    @TempDir
    Path dir;

    @Test
    void aPortOutOfRangeExits2NamingIt() {
        WorkerUsageIT.Outcome o = WorkerUsageIT.execute("dashboard", "--port", "99999");

        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines().findFirst().orElse("")).contains("--port 99999");
    }

    @Test
    void aLogWindowShorterThanTheChartExits2NamingIt() {
        WorkerUsageIT.Outcome o = WorkerUsageIT.execute("dashboard", "--port", "0", "--log-window", "1m");

        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines().findFirst().orElse("")).contains("--log-window 60s");
    }

    @Test
    void aLogThatIsADirectoryExits2NamingIt() {
        WorkerUsageIT.Outcome o = WorkerUsageIT.execute("dashboard", "--port", "0", "--log", dir.toString());

        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines().findFirst().orElse("")).contains("--log " + dir).contains("is a directory");
    }

    @Test
    void aPortInUseExits2NamingHostAndPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String port = Integer.toString(taken.getLocalPort());

            WorkerUsageIT.Outcome o = WorkerUsageIT.execute("dashboard", "--host", "127.0.0.1", "--port", port);

            assertThat(o.code()).as(o.err()).isEqualTo(2);
            assertThat(o.err().lines().findFirst().orElse("")).contains("--host 127.0.0.1 --port " + port);
        }
    }
}
