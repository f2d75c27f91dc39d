package io.gearworker.camel.gearman.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.Gearman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lab itself: hosts reachable at their own addresses, faults that behave as a real network's, no leftovers. */
class NetworkLabIT {

    @RegisterExtension
    static NetworkLab lab = new NetworkLab();

    @Test
    void hostsHaveDistinctAddressesInTheReservedRangeAndServeGearman() throws Exception {
        TestHost a = lab.host("a").startGearmand();
        TestHost b = lab.host("b").startGearmand();

        assertThat(a.hostAddress()).startsWith("10.213." + lab.subnet() + ".").isNotEqualTo(b.hostAddress());
        assertThat(b.hostAddress()).startsWith("10.213." + lab.subnet() + ".");
        assertThat(Gearman.ADMIN.getpid(a.address())).isEqualTo(Long.toString(a.gearmandPid()));
        assertThat(Gearman.ADMIN.getpid(b.address())).isEqualTo(Long.toString(b.gearmandPid()));
        assertThat(lab.namespaces()).contains(a.namespace(), b.namespace());
    }

    @Test
    void partitionIsSilentToTheSenderAndHealDeliversWhatWasSent() throws Exception {
        TestHost host = lab.host("p").startGearmand();
        try (Socket s = connect(host)) {
            echo(s, "before");
            assertThat(readEcho(s)).isEqualTo("before");

            host.partition();
            echo(s, "during"); // the write succeeds: nothing tells the sender
            s.setSoTimeout(1500);
            assertThatThrownBy(() -> readEcho(s)).as("no answer, and no error either")
                    .isInstanceOf(SocketTimeoutException.class);

            host.heal();
            s.setSoTimeout(10_000); // TCP retransmits the ECHO on its own
            assertThat(readEcho(s)).isEqualTo("during");
        }
    }

    @Test
    void powerLossLeavesConnectionsHalfOpenUntilTheyWriteAndTheHostReturnsWithTheSameAddress() throws Exception {
        TestHost host = lab.host("pw").startGearmand();
        long firstPid = host.gearmandPid();
        try (Socket s = connect(host)) {
            echo(s, "before");
            assertThat(readEcho(s)).isEqualTo("before");

            host.powerLoss();
            assertThat(lab.namespaces()).doesNotContain(host.namespace());
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).as("the first gearmand").isEmpty();
            host.powerOn();

            assertThat(Gearman.ADMIN.getpid(host.address())).as("a fresh gearmand at the same address")
                    .isEqualTo(Long.toString(host.gearmandPid())).isNotEqualTo(Long.toString(firstPid));
            s.setSoTimeout(1000);
            assertThatThrownBy(() -> readEcho(s)).as("a connection that only waits hears nothing")
                    .isInstanceOf(SocketTimeoutException.class);
            s.setSoTimeout(5000);
            assertThatThrownBy(() -> {
                echo(s, "after");
                readEcho(s);
            }).as("the new host resets a connection it does not know once it is written to")
                    .isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void packetLossDropsPacketsButTcpStillDeliversEverything() throws Exception {
        TestHost host = lab.host("l").startGearmand();
        try (Socket s = connect(host)) {
            s.setSoTimeout(30_000);
            host.loss(10);
            for (int i = 0; i < 30; i++) {
                echo(s, "echo " + i);
                assertThat(readEcho(s)).isEqualTo("echo " + i);
            }
            assertThat(host.droppedPackets()).as("packets dropped on the link").isPositive();
            host.loss(0);
        }
    }

    @Test
    void closingALabDeletesItsNamespacesProcessesAndAddresses() throws Exception {
        long pid;
        String namespace;
        String address;
        try (NetworkLab own = new NetworkLab().open()) {
            TestHost host = own.host("c").startGearmand();
            pid = host.gearmandPid();
            namespace = host.namespace();
            address = host.hostAddress();
            assertThat(own.namespaces()).containsExactly(namespace);
        }
        assertThat(Ip.namespaces()).doesNotContain(namespace);
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("gearmand of the closed lab").isEmpty();
        assertThat(Ip.run("ip", "-o", "-4", "addr", "show")).doesNotContain(address.replaceAll("\\.\\d+$", ".1/30"));
    }

    @Test
    void namespacesOfADeadRunAreSweptAway() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(5, TimeUnit.SECONDS);
        String stale = NetworkLab.NAMESPACE_PREFIX + gone.pid() + "-0-stale";
        Ip.run("ip", "netns", "add", stale);

        NetworkLab.sweepStale();

        assertThat(Ip.namespaces()).doesNotContain(stale);
    }

    private static Socket connect(TestHost host) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host.hostAddress(), TestHost.GEARMAND_PORT), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Sends ECHO_REQ (type 16) in the binary protocol. */
    private static void echo(Socket s, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer packet = ByteBuffer.allocate(12 + data.length);
        packet.put(new byte[] {0, 'R', 'E', 'Q'}).putInt(16).putInt(data.length).put(data);
        OutputStream out = s.getOutputStream();
        out.write(packet.array());
        out.flush();
    }

    /** Reads one ECHO_RES (type 17) and returns its text. */
    private static String readEcho(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] header = new byte[12];
        in.readFully(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        assertThat(h.getInt()).as("magic \\0RES").isEqualTo(0x00524553);
        assertThat(h.getInt()).as("packet type ECHO_RES").isEqualTo(17);
        byte[] data = new byte[h.getInt()];
        in.readFully(data);
        return new String(data, StandardCharsets.UTF_8);
    }
}
