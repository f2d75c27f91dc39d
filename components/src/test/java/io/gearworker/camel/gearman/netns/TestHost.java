package io.gearworker.camel.gearman.netns;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.ServerAddress;
import org.junit.jupiter.api.Assumptions;

/**
 * One test host: a network namespace joined to the root namespace (where the test JVM and its workers run) by a
 * veth pair, with its own address, running a real gearmand that this object owns. Its faults are the ones a real
 * network produces:
 * <ul>
 * <li>{@link #partition()}: the host's own end of the link goes down. Packets from the root namespace are dropped
 * with no error to the sender (a write succeeds, no answer ever comes), as when a cable is pulled far away. (Setting
 * the root end down instead would fail sends at once: not silent.)</li>
 * <li>{@link #loss(int)}: a share of the packets in each direction is dropped on the host's end.</li>
 * <li>{@link #powerLoss()} / {@link #powerOn()}: gearmand killed with SIGKILL and the namespace deleted with its
 * link; then re-created with the same address and a fresh gearmand. A partition in force stays in force: it is
 * the network's state, not the host's.</li>
 * </ul>
 * Created by {@link NetworkLab#host(String)}; the lab deletes it.
 */
public final class TestHost implements AutoCloseable {

    /** gearmand's port on every test host: each host has an address of its own. */
    public static final int GEARMAND_PORT = 4730;
    private static final String GEARMAND = System.getProperty("gearmand.path", "/usr/sbin/gearmand");
    /** The host's end of the link, inside its namespace. */
    private static final String HOST_LINK = "eth0";
    private static final String LOSS_TABLE = "gwlab_loss";

    private final String name;
    private final String namespace;
    private final String rootLink;
    private final String rootAddress;
    private final String hostAddress;
    private final Path workDir;
    private List<String> gearmandArgs; // null until gearmand was started once
    private Process gearmand;
    private boolean partitioned;
    private boolean powered; // the namespace exists

    TestHost(String name, String namespace, String rootLink, String rootAddress, String hostAddress)
            throws IOException {
        this.name = name;
        this.namespace = namespace;
        this.rootLink = rootLink;
        this.rootAddress = rootAddress;
        this.hostAddress = hostAddress;
        this.workDir = Files.createTempDirectory(namespace + "-");
    }

    private void createNamespace() {
        powered = true; // from here on close() deletes whatever part exists
        Ip.run("ip", "netns", "add", namespace);
        Ip.run("ip", "link", "add", rootLink, "type", "veth", "peer", "name", HOST_LINK, "netns", namespace);
        Ip.run("ip", "addr", "add", rootAddress + "/30", "dev", rootLink);
        Ip.run("ip", "link", "set", rootLink, "up");
        Ip.run("ip", "-n", namespace, "addr", "add", hostAddress + "/30", "dev", HOST_LINK);
        Ip.run("ip", "-n", namespace, "link", "set", "lo", "up");
        Ip.run("ip", "-n", namespace, "link", "set", HOST_LINK, partitioned ? "down" : "up");
    }

    /**
     * Starts gearmand inside the host on {@code address():4730} and waits until it listens (checked inside the
     * namespace, so this works while the host is partitioned).
     */
    public synchronized TestHost startGearmand(String... extraArgs) {
        gearmandArgs = List.of(extraArgs);
        startGearmand();
        return this;
    }

    private void startGearmand() {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, GEARMAND,
                "--listen=" + hostAddress, "--port=" + GEARMAND_PORT, "--log-file=" + workDir.resolve("gearmand.log"),
                "--verbose=WARNING", "--threads=1"));
        cmd.addAll(gearmandArgs);
        try {
            // `ip netns exec` execs gearmand in place: this process is gearmand, SIGKILL reaches it
            gearmand = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(workDir.toFile(), "gearmand.out")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gearmand in " + namespace, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening()) {
            if (!gearmand.isAlive() || System.nanoTime() > deadline) {
                gearmand.destroyForcibly();
                throw new IllegalStateException("gearmand did not listen on " + servers() + " within 10 s; see "
                                                + workDir);
            }
            sleepBriefly();
        }
    }

    private boolean listening() {
        return !Ip.run("ss", "-N", namespace, "-Hltn", "sport = :" + GEARMAND_PORT).isBlank();
    }

    /**
     * Waits until every connection from the root namespace to this host's gearmand has all its data acknowledged
     * (Send-Q 0), as after a night of idling: from then on such a connection sends nothing unless its application
     * writes, so a host swapped behind it goes unnoticed (no retransmission draws a reset).
     */
    public void awaitQuietConnections(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<String> busy = Ip.run("ss", "-Htn", "dst " + servers()).lines()
                    .map(line -> line.trim().split("\\s+"))
                    .filter(f -> f.length > 2 && !f[2].equals("0")) // State Recv-Q Send-Q Local Peer
                    .map(f -> String.join(" ", f)).toList();
            if (busy.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connections to " + this + " still sending after " + limit + ": "
                                                + busy);
            }
            sleepBriefly();
        }
    }

    /** Kills gearmand with SIGKILL; the host and its link stay. */
    private void killGearmand() {
        if (gearmand != null) {
            gearmand.destroyForcibly();
            try {
                gearmand.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            gearmand = null;
        }
    }

    /** Silent partition: the host's end of the link goes down; the root namespace's end stays up. */
    public synchronized void partition() {
        partitioned = true;
        if (powered) {
            Ip.run("ip", "-n", namespace, "link", "set", HOST_LINK, "down");
        }
    }

    /** Ends the partition: the host's end of the link comes up again. */
    public synchronized void heal() {
        partitioned = false;
        if (powered) {
            Ip.run("ip", "-n", namespace, "link", "set", HOST_LINK, "up");
        }
    }

    /**
     * Drops {@code percent} % of the packets entering and leaving the host (nftables on the host's end of the link;
     * this machine's kernel has no netem). 0 removes the loss.
     */
    public synchronized void loss(int percent) {
        Assumptions.assumeTrue(Ip.tryRun("nft", "--version"),
                "packet loss not tested: `nft` (nftables) is not installed");
        Ip.tryRun("ip", "netns", "exec", namespace, "nft", "delete", "table", "netdev", LOSS_TABLE);
        if (percent <= 0) {
            return;
        }
        String rule = "numgen random mod 100 < " + percent + " counter drop;";
        String table = "table netdev " + LOSS_TABLE + " {\n"
                       + " chain in { type filter hook ingress device \"" + HOST_LINK
                       + "\" priority 0; policy accept; " + rule + " }\n"
                       + " chain out { type filter hook egress device \"" + HOST_LINK
                       + "\" priority 0; policy accept; " + rule + " }\n}\n";
        try {
            Path file = workDir.resolve("loss.nft");
            Files.writeString(file, table, StandardCharsets.UTF_8);
            Ip.run("ip", "netns", "exec", namespace, "nft", "-f", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Packets dropped by {@link #loss(int)} so far, both directions. */
    public synchronized long droppedPackets() {
        String table = Ip.run("ip", "netns", "exec", namespace, "nft", "list", "table", "netdev", LOSS_TABLE);
        return table.lines().map(String::trim).filter(l -> l.contains("counter packets"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*counter packets (\\d+).*", "$1"))).sum();
    }

    /**
     * Power loss: gearmand killed with SIGKILL, the namespace and its link deleted. Nothing tells the peers: the link
     * goes silent first, so the FINs the kernel sends for the killed gearmand's sockets never arrive.
     */
    public synchronized void powerLoss() {
        if (powered) {
            Ip.run("ip", "-n", namespace, "link", "set", HOST_LINK, "down");
        }
        killGearmand();
        deleteNamespace();
    }

    /** Deletes the link first: a namespace's links vanish asynchronously, the link's own deletion is synchronous. */
    private void deleteNamespace() {
        Ip.tryRun("ip", "link", "delete", rootLink);
        Ip.deleteNamespace(namespace);
        powered = false;
    }

    /**
     * The host (re)appears with its address and, when it ran one before, a fresh gearmand (same arguments, so the
     * same persistent queue if it had one; otherwise empty). The lab powers a new host on.
     */
    public synchronized void powerOn() {
        createNamespace();
        if (gearmandArgs != null) {
            startGearmand();
        }
    }

    /** Where clients and workers reach this host's gearmand. */
    public ServerAddress address() {
        return new ServerAddress(hostAddress, GEARMAND_PORT);
    }

    /** {@code address:4730}, as the {@code servers} option takes it. */
    public String servers() {
        return hostAddress + ":" + GEARMAND_PORT;
    }

    public String hostAddress() {
        return hostAddress;
    }

    public String namespace() {
        return namespace;
    }

    /** gearmand's process id, or -1 when it is not running. */
    public synchronized long gearmandPid() {
        return gearmand != null && gearmand.isAlive() ? gearmand.pid() : -1;
    }

    @Override
    public synchronized void close() {
        killGearmand();
        if (powered) {
            deleteNamespace();
        }
    }

    @Override
    public String toString() {
        return name + " (" + servers() + " in " + namespace + ")";
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for gearmand", e);
        }
    }
}
