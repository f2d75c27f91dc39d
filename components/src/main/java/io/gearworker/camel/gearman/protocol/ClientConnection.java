package io.gearworker.camel.gearman.protocol;

import static io.gearworker.camel.gearman.protocol.Packet.request;
import static io.gearworker.camel.gearman.protocol.Packet.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection that carries many jobs at once. gearmand answers SUBMIT_JOB with JOB_CREATED in order, so a
 * FIFO of submissions pairs each answer with its job; foreground jobs then wait in a map by handle for
 * WORK_COMPLETE / WORK_FAIL / WORK_EXCEPTION. Submissions that gearmand coalesced (same function and unique id)
 * share a handle and all get the one result. One reader thread per connection dispatches every response.
 * <p>
 * Liveness, checked by the client's {@link ConnectionWatchdog}: while a submission awaits its JOB_CREATED, gearmand
 * must not be silent for answerTimeout; while foreground jobs run, an ECHO every heartbeatInterval must be answered
 * within answerTimeout. Otherwise the connection is closed and every job on it fails: a submission not yet
 * answered with {@link UnansweredSubmissionException}, a running job with an {@link IOException} naming the cause.
 */
final class ClientConnection implements ConnectionWatchdog.Watched {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    private static final byte[] HEARTBEAT = text("heartbeat");

    private final PacketConnection connection;
    private final long answerTimeoutMillis;
    private final long answerTimeoutNanos;
    private final long heartbeatNanos;
    private final Queue<Submission> awaitingHandle = new ConcurrentLinkedQueue<>();
    private final Object writeOrder = new Object();
    private final Map<String, List<Submission>> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile long heartbeatSentNanos; // 0: no heartbeat unanswered
    private volatile boolean closed;

    private record Submission(JobRequest request, CompletableFuture<JobResult> result, long sentNanos) {
    }

    private ClientConnection(PacketConnection connection, Liveness liveness) {
        this.connection = connection;
        this.answerTimeoutMillis = liveness.answerTimeout().toMillis();
        this.answerTimeoutNanos = liveness.answerTimeout().toNanos();
        this.heartbeatNanos = liveness.heartbeatInterval().toNanos();
    }

    /**
     * Connects, asks gearmand to forward WORK_EXCEPTION to us, starts the reader on the executor and waits up to
     * answerTimeout for gearmand's OPTION_RES: a server that accepts the connection but is silent (stopped,
     * partitioned behind a live kernel) fails here.
     */
    static ClientConnection open(ServerAddress server, PacketCodec codec, Liveness liveness, Executor readers)
            throws IOException {
        PacketConnection pc = PacketConnection.open(server, codec, liveness.connectTimeout());
        ClientConnection c = new ClientConnection(pc, liveness);
        try {
            pc.send(request(PacketType.OPTION_REQ, text("exceptions")));
            readers.execute(c::readLoop);
            c.ready.get(c.answerTimeoutMillis, TimeUnit.MILLISECONDS);
            return c;
        } catch (TimeoutException e) {
            c.close();
            throw new AnswerTimeoutException("gearmand " + server + " did not answer within "
                                             + c.answerTimeoutMillis + " ms (awaiting OPTION_RES)");
        } catch (ExecutionException e) {
            c.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IOException("interrupted while connecting to gearmand " + server, e);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    ServerAddress server() {
        return connection.server();
    }

    boolean isOpen() {
        return !closed;
    }

    void submit(JobRequest job, CompletableFuture<JobResult> result) {
        Submission s = new Submission(job, result, System.nanoTime());
        Packet packet = request(job.priority().packetType(job.background()), text(job.function()),
                text(job.uniqueId()), job.workload());
        // enqueue and write under one lock: the FIFO order must be the wire order
        synchronized (writeOrder) {
            if (closed) {
                result.completeExceptionally(new UnansweredSubmissionException("connection to gearmand " + server()
                                                                               + " is closed", null));
                return;
            }
            awaitingHandle.add(s);
            connection.lookWithin(answerTimeoutNanos); // its JOB_CREATED is due by then
            try {
                connection.send(packet);
            } catch (GearmanProtocolException e) {
                awaitingHandle.remove(s); // refused before anything was written (too large)
                result.completeExceptionally(e);
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    /**
     * The watchdog's look: closes the connection when gearmand has been silent for answerTimeout while a
     * JOB_CREATED or a heartbeat's ECHO_RES is awaited; sends a heartbeat while foreground jobs wait and nothing was
     * heard for heartbeatInterval.
     */
    @Override
    public long check(long nowNanos) {
        if (closed) {
            return Long.MAX_VALUE;
        }
        Submission oldest = awaitingHandle.peek();
        long heartbeat = heartbeatSentNanos;
        long awaitedSince = oldest != null ? oldest.sentNanos : heartbeat;
        long heard = connection.lastHeardNanos();
        long answerDue = Long.MAX_VALUE;
        if (awaitedSince != 0) {
            long silentSince = heard - awaitedSince > 0 ? heard : awaitedSince;
            answerDue = answerTimeoutNanos - (nowNanos - silentSince);
            if (answerDue <= 0) {
                connection.closeBecause("gearmand " + server() + " did not answer within " + answerTimeoutMillis
                                        + " ms (awaiting " + (oldest != null ? "JOB_CREATED" : "the heartbeat")
                                        + ")");
                return Long.MAX_VALUE;
            }
        }
        if (heartbeat != 0 || running.isEmpty()) {
            return answerDue;
        }
        long heartbeatDue = heartbeatNanos - (nowNanos - heard);
        if (heartbeatDue > 0) {
            return Math.min(answerDue, heartbeatDue);
        }
        heartbeatSentNanos = nowNanos;
        try {
            connection.send(request(PacketType.ECHO_REQ, HEARTBEAT));
        } catch (IOException e) {
            connection.closeBecause("heartbeat to gearmand " + server() + " failed: " + e.getMessage());
            return Long.MAX_VALUE;
        }
        return Math.min(answerDue, answerTimeoutNanos);
    }

    @Override
    public void watchedBy(ConnectionWatchdog watchdog) {
        connection.watchedBy(watchdog);
    }

    private void readLoop() {
        try {
            while (!closed) {
                dispatch(connection.receive());
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("Connection to gearmand {} lost: {}; failing {} unfinished job(s)", server(), e.getMessage(),
                        running.size() + awaitingHandle.size());
            }
            fail(e);
        } catch (RuntimeException e) {
            LOG.error("Client reader for gearmand {} failed", server(), e);
            fail(new IOException(e));
        }
    }

    private void dispatch(Packet p) {
        switch (p.type()) {
            case JOB_CREATED -> {
                Submission s = awaitingHandle.poll();
                if (s == null) {
                    LOG.warn("gearmand {} sent JOB_CREATED for no submission", server());
                    return;
                }
                String handle = p.textArgument(0);
                if (s.request.background()) {
                    s.result.complete(new JobResult(server(), handle, null));
                } else {
                    // added inside compute: atomic against fail() taking the list away
                    running.compute(handle, (h, waiting) -> {
                        List<Submission> list = waiting == null ? new ArrayList<>() : waiting;
                        list.add(s);
                        return list;
                    });
                }
            }
            case WORK_COMPLETE -> {
                for (Submission s : ended(p)) {
                    s.result.complete(new JobResult(server(), p.textArgument(0), p.argument(1)));
                }
            }
            case WORK_FAIL -> {
                for (Submission s : ended(p)) {
                    s.result.completeExceptionally(new GearmanJobFailedException(p.textArgument(0), "job failed (WORK_FAIL)"));
                }
            }
            case WORK_EXCEPTION -> {
                for (Submission s : ended(p)) {
                    s.result.completeExceptionally(new GearmanJobFailedException(p.textArgument(0), p.textArgument(1)));
                }
            }
            case ERROR -> {
                // an ERROR takes the place of the JOB_CREATED of the oldest submission
                Submission s = awaitingHandle.poll();
                String text = "gearmand " + server() + " answered ERROR " + p.textArgument(0) + ": " + p.textArgument(1);
                if (s != null) {
                    s.result.completeExceptionally(new IOException(text));
                } else {
                    LOG.warn(text);
                }
            }
            case OPTION_RES -> ready.complete(null);
            case ECHO_RES -> heartbeatSentNanos = 0;
            case WORK_STATUS, WORK_DATA, WORK_WARNING, NOOP -> {
                // progress is not part of a job's result
            }
            default -> LOG.debug("Ignoring {} from gearmand {}", p.type(), server());
        }
    }

    /** The submissions waiting for the job whose handle the packet names; none when it is not ours. */
    private List<Submission> ended(Packet p) {
        List<Submission> waiting = running.remove(p.textArgument(0));
        return waiting == null ? List.of() : waiting;
    }

    /** Closes the socket (unblocking a writer) and fails every unfinished job. Safe to call more than once. */
    private void fail(IOException cause) {
        closed = true;
        connection.close(); // before taking writeOrder: it unblocks a writer that holds it
        synchronized (writeOrder) {
            // nothing: a submit that saw the connection open has queued its submission by now, for the drain below
        }
        ready.completeExceptionally(cause);
        UnansweredSubmissionException unanswered = new UnansweredSubmissionException("connection to gearmand "
                + server() + " lost before it confirmed the submission: " + cause.getMessage(), cause);
        for (Submission s; (s = awaitingHandle.poll()) != null; ) {
            s.result.completeExceptionally(unanswered);
        }
        IOException e = new IOException("connection to gearmand " + server() + " lost before the job finished: "
                + cause.getMessage(), cause);
        running.keySet().forEach(handle -> {
            List<Submission> waiting = running.remove(handle);
            if (waiting != null) {
                waiting.forEach(s -> s.result.completeExceptionally(e));
            }
        });
    }

    void close() {
        fail(new IOException("client closed"));
    }

    @Override
    public String toString() {
        return "client connection to gearmand " + server();
    }
}
