package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.AdminClient.WorkerLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of gearmand's text admin replies ({@code workers}, {@code status}), without a server. */
class AdminClientParseTest {

    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 4730);

    @Test
    void workerLineWithIdAndFunctions() throws GearmanProtocolException {
        WorkerLine w = AdminClient.parseWorkerLine(SERVER, "38 127.0.0.1 worker-1 : reverse sleep");

        assertThat(w.server()).isEqualTo(SERVER);
        assertThat(w.fd()).isEqualTo("38");
        assertThat(w.ip()).isEqualTo("127.0.0.1");
        assertThat(w.clientId()).isEqualTo("worker-1");
        assertThat(w.functions()).containsExactly("reverse", "sleep");
    }

    @Test
    void workerLineWithoutFunctions() throws GearmanProtocolException {
        WorkerLine w = AdminClient.parseWorkerLine(SERVER, "40 10.1.2.3 - :");

        assertThat(w.clientId()).isEqualTo("-");
        assertThat(w.functions()).isEmpty();
    }

    @Test
    void workerLineFromAnIpv6PeerWithoutIdOrFunctions() throws GearmanProtocolException {
        // gearmand prints the peer address as is, so an IPv6 address brings its own colons
        WorkerLine w = AdminClient.parseWorkerLine(SERVER, "12 ::1 - :");

        assertThat(w.fd()).isEqualTo("12");
        assertThat(w.ip()).isEqualTo("::1");
        assertThat(w.clientId()).isEqualTo("-");
        assertThat(w.functions()).isEmpty();
    }

    @Test
    void workerLineFromAnIpv6PeerWithFunctions() throws GearmanProtocolException {
        WorkerLine w = AdminClient.parseWorkerLine(SERVER, "7 ::ffff:10.0.0.9 w-2 : reverse");

        assertThat(w.ip()).isEqualTo("::ffff:10.0.0.9");
        assertThat(w.clientId()).isEqualTo("w-2");
        assertThat(w.functions()).containsExactly("reverse");
    }

    @Test
    void workerLineToleratesRepeatedSpacesBetweenFunctions() throws GearmanProtocolException {
        WorkerLine w = AdminClient.parseWorkerLine(SERVER, "38 127.0.0.1 worker-1 :  reverse   sleep ");

        assertThat(w.functions()).containsExactly("reverse", "sleep");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "38 127.0.0.1 worker-1 reverse", "38 127.0.0.1 : reverse"})
    void malformedWorkerLineNamesServerAndLine(String line) {
        assertThatThrownBy(() -> AdminClient.parseWorkerLine(SERVER, line))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("workers")
                .hasMessageContaining(SERVER.toString())
                .hasMessageEndingWith(": " + line);
    }

    @Test
    void statusLine() throws GearmanProtocolException {
        assertThat(AdminClient.parseStatusLine("reverse\t3\t1\t2"))
                .isEqualTo(new FunctionStatus("reverse", 3, 1, 2));
    }

    @Test
    void statusLineWithZeroes() throws GearmanProtocolException {
        assertThat(AdminClient.parseStatusLine("idle_fn\t0\t0\t0"))
                .isEqualTo(new FunctionStatus("idle_fn", 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "reverse", "reverse\t3\t1", "reverse 3 1 2", "reverse\tx\t1\t2", "reverse\t3\t1\t"})
    void malformedStatusLineIsAProtocolErrorQuotingTheLine(String line) {
        assertThatThrownBy(() -> AdminClient.parseStatusLine(line))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("status")
                .hasMessageEndingWith(": " + line);
    }
}
