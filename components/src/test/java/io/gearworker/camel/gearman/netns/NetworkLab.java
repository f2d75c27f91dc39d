package io.gearworker.camel.gearman.netns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns a set of {@link TestHost}s for a test class: network namespaces joined to the root namespace by veth links.
 * <p>
 * Addresses: every lab takes one /24 of the project's reserved test range {@value #RESERVED_RANGE} (a /24 that no
 * address on this machine is in, claimed with a lock file so that parallel labs — other test JVMs, the network
 * soak — never share one); host {@code i} is the /30 {@code 10.213.N.4i}: root end {@code .4i+1}, host {@code .4i+2}.
 * These are the only non-loopback addresses a test may target.
 * <p>
 * Names: namespaces are {@code gwlab-<pid>-<N>-<host>}, so a lab sweeps away those of dead processes before it
 * starts. Hosts a test creates are deleted after that test; the lab's own are deleted after all tests and, should
 * the JVM be stopped first, by a shutdown hook.
 * <p>
 * Without {@code ip}, {@code ss} or the right to create namespaces and links (CAP_NET_ADMIN), every test of the
 * class is aborted with a message saying so: each reported as skipped, never as passed.
 *
 * <pre>{@code @RegisterExtension static NetworkLab lab = new NetworkLab();}</pre>
 */
public final class NetworkLab
        implements BeforeAllCallback, BeforeEachCallback, BeforeTestExecutionCallback, AfterEachCallback,
        AfterAllCallback, AutoCloseable {

    public static final String RESERVED_RANGE = "10.213.0.0/16";
    /** Namespace names of every lab start with this, followed by the owning process id. */
    public static final String NAMESPACE_PREFIX = "gwlab-";
    private static final String NETWORK_PREFIX = "10.213.";
    private static final Pattern OWNED_NAMESPACE = Pattern.compile(Pattern.quote(NAMESPACE_PREFIX) + "(\\d+)-.*");
    private static final Path LOCK_DIR = Path.of(System.getProperty("java.io.tmpdir"), "gwlab-subnets");
    private static final int MAX_HOSTS = 63;
    /** Tests take /24s 1-127 of the range; the network soak (a shell script, with its own locks) takes 128-254. */
    private static final int LAST_TEST_SUBNET = 127;
    /** Subnets held by the labs of this JVM (file locks are per process: the lock file says nothing here). */
    private static final Set<Integer> CLAIMED_HERE = ConcurrentHashMap.newKeySet();
    private static final Pattern ROOT_LINK = Pattern.compile("gw(\\d+)r\\d+");

    private final List<TestHost> classHosts = new ArrayList<>();
    private final List<TestHost> testHosts = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::deleteAll, "network-lab-cleanup");
    private FileChannel lockChannel; // holds the subnet's lock while open
    private int subnet;
    private int nextHost;
    private boolean inTest;
    private String missing; // what this machine lacks for the lab, or null

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        open();
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        inTest = true; // hosts created from here on belong to the running test
    }

    /**
     * Aborts each test, rather than the class, when the machine lacks a prerequisite: an aborted class counts no
     * test at all in the reports. Just before the test method, so that every @BeforeEach (and its @AfterEach) ran.
     */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        assumePrerequisites();
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        deleteHosts(testHosts);
        inTest = false;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * Checks the prerequisites (aborting the caller's tests when they are missing), sweeps stale namespaces and
     * claims a subnet. The extension calls it before all tests; call it yourself for a lab of your own.
     */
    public synchronized NetworkLab open() throws IOException {
        missing = missingPrerequisite();
        if (missing != null) {
            return this; // every test aborts in beforeEach, every host() call too
        }
        sweepStale();
        claimSubnet();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return this;
    }

    /**
     * A new test host named {@code name} (letters and digits, up to 8 characters), without gearmand yet. Created
     * before all tests (in a static initializer or {@code @BeforeAll}), it lives until after all; created in a
     * test, it is deleted after that test.
     */
    public synchronized TestHost host(String name) throws IOException {
        assumePrerequisites();
        if (lockChannel == null) {
            throw new IllegalStateException("the lab is not open");
        }
        if (!name.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("host name must be 1-8 lower-case letters or digits: " + name);
        }
        if (nextHost == MAX_HOSTS) {
            throw new IllegalStateException("a lab has at most " + MAX_HOSTS + " hosts");
        }
        int index = nextHost++;
        String network = NETWORK_PREFIX + subnet + ".";
        TestHost host = new TestHost(name, NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-" + subnet + "-" + name,
                "gw" + subnet + "r" + index, network + (4 * index + 1), network + (4 * index + 2));
        (inTest ? testHosts : classHosts).add(host); // first, so that a host failing half-way is deleted too
        host.powerOn();
        return host;
    }

    /** The third octet of this lab's /24. */
    public synchronized int subnet() {
        return subnet;
    }

    /** The namespaces on this machine that belong to this lab. */
    public synchronized List<String> namespaces() {
        String own = NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-" + subnet + "-";
        return Ip.namespaces().stream().filter(ns -> ns.startsWith(own)).toList();
    }

    /** Deletes every host, releases the subnet. */
    @Override
    public synchronized void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down already (the hook runs) or the lab was never opened
        }
        releaseSubnet();
    }

    private synchronized void deleteAll() {
        deleteHosts(testHosts);
        deleteHosts(classHosts);
    }

    private static void deleteHosts(List<TestHost> hosts) {
        hosts.forEach(TestHost::close);
        hosts.clear();
    }

    private synchronized void assumePrerequisites() {
        Assumptions.assumeTrue(missing == null, () -> "network fault test not run: " + missing);
    }

    private static String missingPrerequisite() {
        for (String tool : List.of("ip", "ss")) {
            if (!Ip.tryRun(tool, "-V")) {
                return "`" + tool + "` (iproute2) is not installed";
            }
        }
        long pid = ProcessHandle.current().pid();
        String probe = NAMESPACE_PREFIX + pid + "-probe";
        String link = "gwprobe" + pid;
        boolean created = Ip.tryRun("ip", "netns", "add", probe)
                          && Ip.tryRun("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", probe);
        Ip.tryRun("ip", "link", "delete", link);
        Ip.deleteNamespace(probe);
        return created ? null : "cannot create network namespaces and veth links (needs root or CAP_NET_ADMIN)";
    }

    /**
     * Deletes namespaces of ours whose process is gone (a run killed before its cleanup), and root ends of links
     * in a test subnet that no lab holds (a deleted namespace can outlive its name while the kernel still retries
     * the killed gearmand's unacknowledged FINs, keeping its link).
     */
    static void sweepStale() throws IOException {
        for (String ns : Ip.namespaces()) {
            Matcher m = OWNED_NAMESPACE.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                Ip.deleteNamespace(ns);
            }
        }
        for (String line : Ip.run("ip", "-o", "link", "show").lines().toList()) {
            String[] fields = line.split(":\\s+|@", 3); // "16: gw136r1@if2: <...>"
            Matcher m = ROOT_LINK.matcher(fields.length > 1 ? fields[1] : "");
            int linkSubnet = m.matches() ? Integer.parseInt(m.group(1)) : 0;
            if (m.matches() && linkSubnet <= LAST_TEST_SUBNET && !held(linkSubnet)) {
                Ip.tryRun("ip", "link", "delete", fields[1]);
            }
        }
    }

    private static Path lockFile(int subnet) {
        return LOCK_DIR.resolve(NETWORK_PREFIX + subnet + ".0-24.lock");
    }

    /** Whether a lab (of any JVM, this one included) holds the subnet. */
    private static boolean held(int subnet) throws IOException {
        if (CLAIMED_HERE.contains(subnet)) {
            return true; // never open this JVM's own lock file again: closing it would drop the lock
        }
        Files.createDirectories(LOCK_DIR);
        try (FileChannel channel = FileChannel.open(lockFile(subnet), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            return channel.tryLock() == null; // closing the channel releases a lock it got
        }
    }

    private void claimSubnet() throws IOException {
        Files.createDirectories(LOCK_DIR);
        String addresses = Ip.run("ip", "-o", "-4", "addr", "show");
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 1 + ThreadLocalRandom.current().nextInt(LAST_TEST_SUBNET);
            if (CLAIMED_HERE.contains(candidate) || addresses.contains(" " + NETWORK_PREFIX + candidate + ".")) {
                continue;
            }
            FileChannel channel = FileChannel.open(lockFile(candidate),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                lockChannel = channel;
                subnet = candidate;
                CLAIMED_HERE.add(candidate);
                return;
            }
            channel.close();
        }
        throw new IllegalStateException("no free /24 in " + RESERVED_RANGE);
    }

    private void releaseSubnet() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
        lockChannel = null;
        CLAIMED_HERE.remove(subnet);
    }
}
