package io.gearworker.camel.gearman.test;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns a real gearmand process for a test class: started on a free loopback port before all tests, killed after.
 * Ports come from 20000–29999 (below the ephemeral range, so a reconnecting client never connects to itself).
 * {@link #kill()} and {@link #start()} let a test take the server away and bring it back on the same port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static GearmandServer gearmand = new GearmandServer();
 * ...
 * context.getPropertiesComponent().addInitialProperty("camel.component.gearman.servers", gearmand.servers());
 * assertThat(gearmand.submit("reverse", "abc")).isEqualTo("cba");
 * }</pre>
 *
 * gearmand is looked for at {@code /usr/sbin/gearmand}, or where the system property {@code gearmand.path} says.
 */
public class GearmandServer implements BeforeAllCallback, AfterAllCallback {

    /** What {@link #submit(String, String)} waits at most for a result. */
    public static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofSeconds(30);

    private static final String HOST = "127.0.0.1";

    private final String executable = System.getProperty("gearmand.path", "/usr/sbin/gearmand");
    private final List<String> extraArgs;
    private Process process;
    private int port;
    private Path workDir;

    /** @param extraArgs further gearmand options, e.g. {@code "--job-retries=2"} */
    public GearmandServer(String... extraArgs) {
        this.extraArgs = List.of(extraArgs);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        requireExecutable();
        workDir = Files.createTempDirectory("gearmand-test");
        for (int attempt = 0; attempt < 20 && process == null; attempt++) {
            port = 20000 + ThreadLocalRandom.current().nextInt(10000);
            if (isFree(port)) {
                start();
            }
        }
        if (process == null) {
            throw new IllegalStateException("could not start gearmand on a free port; see " + workDir);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kill();
    }

    /** Starts gearmand on this extension's port; waits until it accepts connections. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(executable, "--listen=" + HOST, "--port=" + port,
                "--log-file=" + workDir.resolve("gearmand.log"), "--verbose=WARNING", "--threads=1"));
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(workDir.toFile(), "gearmand.out")))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                process = null;
                return; // port taken meanwhile: the caller picks another
            }
            if (accepts(port)) {
                process = p;
                return;
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IllegalStateException("gearmand did not accept connections on port " + port + " within 10 s");
    }

    /** Kills gearmand at once (SIGKILL): every connection drops, queued foreground jobs are gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * Stops gearmand (SIGSTOP) without closing anything: the kernel still accepts connections and acknowledges
     * data, the server answers nothing, as a host behind a silent partition. {@link #resume()} undoes it; a kill
     * ends a silenced gearmand all the same.
     */
    public void silence() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a {@linkplain #silence() silenced} gearmand run again (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private synchronized void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as the component's {@code servers} option takes it. */
    public String servers() {
        return HOST + ":" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Submits a foreground job and waits at most {@link #DEFAULT_RESULT_TIMEOUT} for its result (UTF-8). */
    public String submit(String function, String payload) {
        return submit(function, payload, DEFAULT_RESULT_TIMEOUT);
    }

    /** Submits a foreground job and waits at most {@code limit} for its result (UTF-8). */
    public String submit(String function, String payload, Duration limit) {
        return client().submit(function, payload, limit);
    }

    /** The workers this gearmand knows now (its admin {@code workers} command), one per connection. */
    public List<GearmanTestClient.Worker> workers() {
        return client().workers();
    }

    /** A client for this server, for what {@link #submit} and {@link #workers()} do not cover. */
    public GearmanTestClient client() {
        return new GearmanTestClient(HOST, port);
    }

    private void requireExecutable() {
        if (!Files.isExecutable(Path.of(executable))) {
            throw new IllegalStateException("gearmand is not installed at " + executable
                    + ": install it (Debian/Ubuntu: apt-get install gearman-job-server) or point -Dgearmand.path at it");
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
