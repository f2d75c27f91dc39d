package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.AdminClient.WorkerLine;
import io.gearworker.camel.gearman.protocol.AdminReplyParser.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of gearmand's text admin replies ({@code workers}, {@code status}), without a server. */
class AdminReplyParserTest {

    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 4730);

    private static WorkerLine onlyWorker(String... lines) {
        Parsed<WorkerLine> parsed = AdminReplyParser.workers(SERVER, List.of(lines));
        assertThat(parsed.rows()).hasSize(1);
        return parsed.rows().get(0);
    }

    @Test
    void workerLineWithIdAndFunctions() {
        WorkerLine w = onlyWorker("38 127.0.0.1 worker-1 : reverse sleep");

        assertThat(w.server()).isEqualTo(SERVER);
        assertThat(w.fd()).isEqualTo("38");
        assertThat(w.ip()).isEqualTo("127.0.0.1");
        assertThat(w.clientId()).isEqualTo("worker-1");
        assertThat(w.functions()).containsExactly("reverse", "sleep");
    }

    @Test
    void workerLineWithoutFunctions() {
        WorkerLine w = onlyWorker("40 10.1.2.3 - :");

        assertThat(w.clientId()).isEqualTo("-");
        assertThat(w.functions()).isEmpty();
    }

    @Test
    void workerLineFromAnIpv6PeerWithoutIdOrFunctions() {
        // gearmand prints the peer address as is, so an IPv6 address brings its own colons
        WorkerLine w = onlyWorker("12 ::1 - :");

        assertThat(w.fd()).isEqualTo("12");
        assertThat(w.ip()).isEqualTo("::1");
        assertThat(w.clientId()).isEqualTo("-");
        assertThat(w.functions()).isEmpty();
    }

    @Test
    void workerLineFromAnIpv6PeerWithFunctions() {
        WorkerLine w = onlyWorker("7 ::ffff:10.0.0.9 w-2 : reverse");

        assertThat(w.ip()).isEqualTo("::ffff:10.0.0.9");
        assertThat(w.clientId()).isEqualTo("w-2");
        assertThat(w.functions()).containsExactly("reverse");
    }

    @Test
    void workerLineToleratesRepeatedSpacesBetweenFunctions() {
        assertThat(onlyWorker("38 127.0.0.1 worker-1 :  reverse   sleep ").functions())
                .containsExactly("reverse", "sleep");
    }

    @Test
    void clientIdWithASpaceIsKeptWhole() {
        WorkerLine w = onlyWorker("39 127.0.0.1 wid 1 : real");

        assertThat(w.clientId()).isEqualTo("wid 1");
        assertThat(w.functions()).containsExactly("real");
    }

    @Test
    void functionNamesWithNewlinesAreJoinedBackAndCounted() {
        // gearmand 1.1.20's reply for a connection registering "real", "inj\t7\t0\t0\n.\nhidden", "brk\nx"
        Parsed<WorkerLine> parsed = AdminReplyParser.workers(SERVER, List.of(
                "38 127.0.0.1 - :", "39 127.0.0.1 wid : real inj\t7\t0\t0", ".", "hidden brk", "x",
                "41 127.0.0.1 - :"));

        assertThat(parsed.rows()).extracting(WorkerLine::fd).containsExactly("38", "39", "41");
        assertThat(parsed.rows().get(1).functions()).containsExactly("real", "inj\t7\t0\t0\n.\nhidden", "brk\nx");
        assertThat(parsed.anomalies()).isEqualTo(3);
        assertThat(parsed.firstAnomaly()).isEqualTo(".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "garbage", "38 127.0.0.1 worker-1 reverse"})
    void aLineThatIsNoRowIsCountedNeverThrown(String line) {
        Parsed<WorkerLine> parsed = AdminReplyParser.workers(SERVER, List.of(line, "40 10.1.2.3 w : real"));

        assertThat(parsed.rows()).singleElement().extracting(WorkerLine::functions).isEqualTo(List.of("real"));
        assertThat(parsed.anomalies()).isEqualTo(1);
    }

    @Test
    void statusLine() {
        assertThat(AdminReplyParser.statusRow("reverse\t3\t1\t2")).isEqualTo(new FunctionStatus("reverse", 3, 1, 2));
        assertThat(AdminReplyParser.statusRow("idle_fn\t0\t0\t0")).isEqualTo(new FunctionStatus("idle_fn", 0, 0, 0));
        assertThat(AdminReplyParser.statusRow("has space\t1\t0\t1"))
                .isEqualTo(new FunctionStatus("has space", 1, 0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "reverse", "reverse\t3\t1", "reverse 3 1 2", "reverse\tx\t1\t2", "reverse\t3\t1\t",
                            "reverse\t-1\t0\t0", "reverse\t99999999999\t0\t0"})
    void aLineThatIsNoStatusRowIsNull(String line) {
        assertThat(AdminReplyParser.statusRow(line)).isNull();
    }

    @Test
    void statusNamesWithNewlinesAndTabsAreReadFromTheRight() {
        // gearmand 1.1.20's reply for background jobs to "brk\nx", "has space", "inj\t7\t0\t0\n.\nhidden", "real"
        Parsed<FunctionStatus> parsed = AdminReplyParser.status(List.of(
                "brk", "x\t1\t0\t1", "has space\t1\t0\t1", "inj\t7\t0\t0", ".", "hidden\t1\t0\t1", "real\t1\t0\t1"));

        assertThat(parsed.rows()).extracting(FunctionStatus::function)
                .containsExactly("brk\nx", "has space", "inj", ".\nhidden", "real");
        assertThat(parsed.rows().get(4)).isEqualTo(new FunctionStatus("real", 1, 0, 1));
        assertThat(parsed.anomalies()).isEqualTo(2);
        assertThat(parsed.firstAnomaly()).isEqualTo("brk");
    }

    @Test
    void aCleanReplyHasNoAnomalies() {
        assertThat(AdminReplyParser.status(List.of("a\t1\t0\t1", "b\t0\t0\t0")).anomalies()).isZero();
        assertThat(AdminReplyParser.workers(SERVER, List.of("1 ::1 w : a b")).anomalies()).isZero();
    }

    @Test
    void logQuotesAreShortAndEscaped() {
        assertThat(AdminAnomalies.quote("a\tb\nc\u001b")).isEqualTo("a\\tb\\u000ac\\u001b");
        assertThat(AdminAnomalies.quote("x".repeat(200))).hasSize(61).endsWith("…");
    }
}
