package io.gearworker.camel.gearman.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits jobs to one or more gearmand servers. Each server has one multiplexed connection, opened on first use and
 * again after it was lost. Thread-safe.
 * <p>
 * Which server: a job with a unique id goes to the server its id hashes to (rendezvous hashing over the server
 * addresses: stable across processes and independent of the list's order, so a re-run's submissions meet the
 * first run's queued jobs); a job without one goes round robin. A server that cannot be reached, or whose
 * connection was lost to silence, is skipped for a while (1 s, doubling per failure up to 30 s) and the next in
 * the job's order is used; when all are skipped, all are tried.
 * <p>
 * A submission whose JOB_CREATED never comes fails with {@link UnansweredSubmissionException}; with
 * {@code resubmitUnanswered} it is submitted once more to each further server in its order instead (at-least-once:
 * the lost server may have queued it too). A foreground job whose connection is lost after JOB_CREATED fails with
 * an {@link IOException}: gearmand ran or runs it, so submitting it again is the caller's choice.
 */
public final class GearmanClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GearmanClient.class);
    private static final long FIRST_SKIP_MILLIS = 1000;
    private static final long MAX_SKIP_MILLIS = 30_000;

    private final List<ServerAddress> servers;
    private final PacketCodec codec;
    private final Liveness liveness;
    private final Executor readers;
    private final ConnectionWatchdog watchdog;
    private final ScheduledExecutorService ownScheduler; // null when the caller gave the scheduler
    private final boolean resubmitUnanswered;
    private final Object[] locks;                 // one per server: opening a connection blocks only its server
    private final ClientConnection[] connections; // guarded by the server's lock
    private final long[] skipUntil;               // guarded by this: System.nanoTime() a failed server is skipped to
    private final int[] failures;                 // guarded by this: consecutive failures per server
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    /**
     * A client whose deadlines are enforced by a watchdog thread of its own (for use outside Camel), answerTimeout
     * = connectTimeout, heartbeat every 10 s, unanswered submissions failed.
     *
     * @param readers runs one blocking reader loop per open connection (a cached pool of daemon threads fits)
     */
    public GearmanClient(List<ServerAddress> servers, PacketCodec codec, Duration connectTimeout, Executor readers) {
        this(servers, codec, new Liveness(connectTimeout, connectTimeout, Duration.ofSeconds(10)), readers, null,
                false);
    }

    /**
     * @param scheduler runs the watchdog task; null: the client starts a daemon thread of its own
     * @param resubmitUnanswered submit a submission whose JOB_CREATED never came to the next server (at-least-once)
     */
    public GearmanClient(List<ServerAddress> servers, PacketCodec codec, Liveness liveness, Executor readers,
            ScheduledExecutorService scheduler, boolean resubmitUnanswered) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server is needed");
        }
        this.servers = List.copyOf(servers);
        this.codec = codec;
        this.liveness = liveness;
        this.readers = readers;
        this.resubmitUnanswered = resubmitUnanswered;
        this.connections = new ClientConnection[servers.size()];
        this.locks = IntStream.range(0, servers.size()).mapToObj(i -> new Object()).toArray();
        this.skipUntil = new long[servers.size()];
        this.failures = new int[servers.size()];
        this.ownScheduler = scheduler != null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gearman-client-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.watchdog = new ConnectionWatchdog(scheduler != null ? scheduler : ownScheduler, liveness);
    }

    /**
     * Submits the job. Foreground: completes with WORK_COMPLETE's data, or fails with
     * {@link GearmanJobFailedException}. Background: completes with the handle as soon as gearmand queued it.
     * Completing it early (e.g. {@code orTimeout}) only stops waiting; the job itself stays with gearmand.
     */
    public CompletableFuture<JobResult> submit(JobRequest job) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        submit(job, order(job), 0, result);
        return result;
    }

    private void submit(JobRequest job, int[] order, int from, CompletableFuture<JobResult> result) {
        Target target;
        try {
            if (closed) {
                throw new IOException("client is closed");
            }
            target = firstReachable(order, from);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        int position = target.position();
        ClientConnection c = target.connection();
        CompletableFuture<JobResult> attempt = new CompletableFuture<>();
        c.submit(job, attempt);
        attempt.whenComplete((r, e) -> {
            if (e == null) {
                result.complete(r);
                return;
            }
            if (e instanceof UnansweredSubmissionException) {
                lost(order[position]);
                if (resubmitUnanswered && position + 1 < order.length && !closed) {
                    LOG.warn("Submission of a '{}' job to gearmand {} unanswered ({}); submitting it to the next"
                             + " server (it may run twice)", job.function(), c.server(), e.getMessage());
                    submit(job, order, position + 1, result);
                    return;
                }
            }
            result.completeExceptionally(e);
        });
    }

    /** The servers in the order this job tries them: by its unique id's hash, else round robin. */
    int[] order(JobRequest job) {
        int n = servers.size();
        if (job.uniqueId().isEmpty()) {
            int start = Math.floorMod(next.getAndIncrement(), n);
            return IntStream.range(0, n).map(i -> (start + i) % n).toArray();
        }
        byte[] id = job.uniqueId().getBytes(StandardCharsets.UTF_8);
        long[] weights = new long[n];
        for (int i = 0; i < n; i++) {
            weights[i] = weight(servers.get(i).toString(), id);
        }
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> weights[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
    }

    /** Rendezvous weight of a server for a unique id: FNV-1a 64 over both, then a 64-bit finaliser. */
    static long weight(String server, byte[] uniqueId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : server.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0xff) * 0x100000001b3L; // a separator no address contains
        for (byte b : uniqueId) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The first position from {@code from} in {@code order} whose server is not being skipped and has (or now
     * gets) an open connection; the skipped ones are tried last.
     */
    private Target firstReachable(int[] order, int from) throws IOException {
        long now = System.nanoTime();
        int[] tries = IntStream.range(from, order.length).boxed()
                .sorted(Comparator.comparing((Integer p) -> skipped(order[p], now)))
                .mapToInt(Integer::intValue).toArray();
        IOException last = null;
        for (int position : tries) {
            try {
                return new Target(position, connectionTo(order[position]));
            } catch (IOException e) {
                last = e;
            }
        }
        List<ServerAddress> tried = Arrays.stream(tries).mapToObj(p -> servers.get(order[p])).toList();
        throw new IOException("no gearmand reachable at " + tried + ": " + last.getMessage(), last);
    }

    /** A server to submit to: its position in the job's order and its open connection. */
    private record Target(int position, ClientConnection connection) {
    }

    private synchronized boolean skipped(int index, long now) {
        return failures[index] > 0 && now - skipUntil[index] < 0;
    }

    private synchronized void reached(int index) {
        failures[index] = 0;
    }

    /** The server's connection was lost before it answered: skip it for a while. */
    private synchronized void lost(int index) {
        if (skipped(index, System.nanoTime())) {
            return; // every job of one lost connection fails at once: that is one failure
        }
        long skip = Math.min(MAX_SKIP_MILLIS, FIRST_SKIP_MILLIS << Math.min(failures[index], 10));
        failures[index]++;
        skipUntil[index] = System.nanoTime() + skip * 1_000_000L;
    }

    /**
     * Returns when a connection to one of the servers is open, opening one if none is.
     *
     * @throws IOException when no server can be reached, naming them and the last error
     */
    public void ensureConnected() throws IOException {
        for (int i = 0; i < connections.length; i++) {
            synchronized (locks[i]) {
                if (connections[i] != null && connections[i].isOpen()) {
                    return;
                }
            }
        }
        firstReachable(IntStream.range(0, servers.size()).toArray(), 0);
    }

    /** The open connection to the server, opened now when there is none: under the server's own lock. */
    private ClientConnection connectionTo(int index) throws IOException {
        synchronized (locks[index]) {
            return openConnectionTo(index);
        }
    }

    private ClientConnection openConnectionTo(int index) throws IOException {
        if (closed) {
            throw new IOException("client is closed");
        }
        ClientConnection c = connections[index];
        if (c == null || !c.isOpen()) {
            if (c != null) {
                watchdog.unwatch(c);
            }
            ServerAddress server = servers.get(index);
            try {
                c = ClientConnection.open(server, codec, liveness, readers);
            } catch (IOException e) {
                lost(index);
                throw new IOException("cannot connect to gearmand " + server + ": " + e.getMessage(), e);
            }
            reached(index);
            connections[index] = c;
            watchdog.watch(c);
        }
        return c;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.close();
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        for (int i = 0; i < connections.length; i++) {
            synchronized (locks[i]) {
                if (connections[i] != null) {
                    connections[i].close();
                    connections[i] = null;
                }
            }
        }
    }
}
