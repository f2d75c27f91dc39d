package io.gearworker.camel.gearman.protocol;

import static io.gearworker.camel.gearman.protocol.Packet.request;
import static io.gearworker.camel.gearman.protocol.Packet.text;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of one connection: register, grab, sleep until woken, report results. The caller drives it from
 * one thread; progress packets ({@link #sendStatus}, {@link #sendData}) may come from another.
 */
public final class WorkerConnection implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerConnection.class);
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ECHO = text("confirm");
    /** How often an overdue answer asks its {@link Patience} whether to go on waiting. */
    private static final long POLL_MILLIS = 100;

    private final PacketConnection connection;
    private final Set<String> functions;

    private WorkerConnection(PacketConnection connection, Collection<String> functions) {
        this.connection = connection;
        this.functions = Set.copyOf(functions);
    }

    /**
     * Connects and registers the worker id and every function (CAN_DO, or CAN_DO_TIMEOUT when timeout > 0), then
     * waits up to {@code connectTimeout} for gearmand to confirm (one ECHO): a peer that does not speak the protocol
     * (bad magic, garbage, silence) fails here like an unreachable server.
     */
    public static WorkerConnection open(ServerAddress server, PacketCodec codec, Duration connectTimeout,
            String workerId, Collection<String> functions, int canDoTimeoutSeconds) throws IOException {
        PacketConnection c = PacketConnection.open(server, codec, connectTimeout);
        try {
            Packet[] hello = new Packet[functions.size() + 1];
            int i = 0;
            hello[i++] = request(PacketType.SET_CLIENT_ID, text(workerId));
            for (String f : functions) {
                hello[i++] = canDoTimeoutSeconds > 0
                        ? request(PacketType.CAN_DO_TIMEOUT, text(f), text(Integer.toString(canDoTimeoutSeconds)))
                        : request(PacketType.CAN_DO, text(f));
            }
            c.send(hello);
            WorkerConnection worker = new WorkerConnection(c, functions);
            worker.confirm(connectTimeout.toMillis());
            return worker;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public ServerAddress server() {
        return connection.server();
    }

    /** Asks for a job; sends GRAB_JOB_UNIQ, preceded by the given packets in the same write. */
    public void requestJob(Packet... before) throws IOException {
        if (before.length == 0) {
            connection.send(request(PacketType.GRAB_JOB_UNIQ));
        } else {
            Packet[] all = java.util.Arrays.copyOf(before, before.length + 1);
            all[before.length] = request(PacketType.GRAB_JOB_UNIQ);
            connection.send(all);
        }
    }

    /** Decides, while an answer is overdue, whether to go on waiting for it. */
    @FunctionalInterface
    public interface Patience {

        /** @param waitedMillis how long the answer has been awaited */
        boolean keepWaiting(long waitedMillis);
    }

    /**
     * Waits for the answer to {@link #requestJob}: the job, or {@code null} for NO_JOB. NOOPs that were queued
     * while we were busy are skipped. A job larger than maxPayloadSize, or of a function this connection did not
     * register, is failed (WORK_FAIL) and counts as no job.
     * Any of these answers also proves that gearmand processed every packet sent before the grab.
     *
     * @throws AnswerTimeoutException when {@code patience} gave up; the connection is then out of step: close it
     */
    public AssignedJob awaitAssignment(Patience patience) throws IOException {
        while (true) {
            Packet p;
            try {
                p = receive(patience);
            } catch (OversizedJobException e) {
                // failing it is final and tells the client; handing it back would only loop it through the fleet
                connection.send(workFail(e.getHandle()));
                LOG.warn("Refused job {} from gearmand {}: {}; sent WORK_FAIL", e.getHandle(), server(),
                        e.getMessage());
                return null;
            }
            switch (p.type()) {
                case NO_JOB:
                    return null;
                case JOB_ASSIGN_UNIQ:
                    if (!functions.contains(p.textArgument(1))) {
                        // a misbehaving server: the job is no route's of this connection, so no route may run it
                        connection.send(workFail(p.textArgument(0)));
                        LOG.warn("gearmand {} assigned job {} of function '{}', which this connection never"
                                 + " registered (it does {}); sent WORK_FAIL", server(), p.textArgument(0),
                                p.textArgument(1), functions);
                        return null;
                    }
                    return new AssignedJob(server(), p.textArgument(0), p.textArgument(1), p.textArgument(2),
                            p.argument(3));
                case NOOP:
                    continue;
                case ERROR:
                    throw new GearmanProtocolException("gearmand " + server() + " answered ERROR "
                            + p.textArgument(0) + ": " + p.textArgument(1));
                default:
                    throw new GearmanProtocolException("unexpected " + p.type() + " while waiting for a job from "
                            + server());
            }
        }
    }

    /**
     * One ECHO round trip: gearmand answers packets in order, so its ECHO_RES proves it processed everything sent
     * before (e.g. a job's result). NOOPs queued meanwhile are skipped.
     *
     * @throws AnswerTimeoutException when no answer came within {@code timeoutMillis}
     */
    public void confirm(long timeoutMillis) throws IOException {
        connection.send(request(PacketType.ECHO_REQ, ECHO));
        while (true) {
            Packet p = receive(waited -> waited < timeoutMillis);
            if (p.type() == PacketType.ECHO_RES) {
                return;
            }
            if (p.type() == PacketType.ERROR) {
                throw new GearmanProtocolException("gearmand " + server() + " answered ERROR "
                        + p.textArgument(0) + ": " + p.textArgument(1));
            }
            if (p.type() != PacketType.NOOP) {
                throw new GearmanProtocolException("unexpected " + p.type() + " while waiting for ECHO_RES from "
                        + server());
            }
        }
    }

    /** The next packet, asking {@code patience} every {@value #POLL_MILLIS} ms while none has begun. */
    private Packet receive(Patience patience) throws IOException {
        long start = System.nanoTime();
        while (!connection.awaitData(POLL_MILLIS)) {
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (!patience.keepWaiting(waited)) {
                throw new AnswerTimeoutException("gearmand " + server() + " did not answer within " + waited + " ms");
            }
        }
        return connection.receive();
    }

    /** Tells gearmand we are going to sleep; it answers with NOOP when a job of ours arrives. */
    public void preSleep() throws IOException {
        connection.send(request(PacketType.PRE_SLEEP));
    }

    /** Blocks on the socket until gearmand sends NOOP. Costs no CPU while waiting. */
    public void awaitWakeUp() throws IOException {
        while (true) {
            Packet p = connection.receive();
            if (p.type() == PacketType.NOOP) {
                return;
            }
            if (p.type() == PacketType.ERROR) {
                throw new GearmanProtocolException("gearmand " + server() + " answered ERROR "
                        + p.textArgument(0) + ": " + p.textArgument(1));
            }
            throw new GearmanProtocolException("unexpected " + p.type() + " while asleep on " + server());
        }
    }

    public static Packet workComplete(String handle, byte[] result) {
        return request(PacketType.WORK_COMPLETE, text(handle), result == null ? EMPTY : result);
    }

    public static Packet workFail(String handle) {
        return request(PacketType.WORK_FAIL, text(handle));
    }

    public static Packet workException(String handle, String message) {
        return request(PacketType.WORK_EXCEPTION, text(handle), text(message == null ? "" : message));
    }

    /** Sends result packets now, without asking for the next job. */
    public void send(Packet... packets) throws IOException {
        connection.send(packets);
    }

    public void sendStatus(String handle, long numerator, long denominator) throws IOException {
        connection.send(request(PacketType.WORK_STATUS, text(handle), text(Long.toString(numerator)),
                text(Long.toString(denominator))));
    }

    public void sendData(String handle, byte[] data) throws IOException {
        connection.send(request(PacketType.WORK_DATA, text(handle), data));
    }

    public void sendWarning(String handle, byte[] data) throws IOException {
        connection.send(request(PacketType.WORK_WARNING, text(handle), data));
    }

    public boolean isClosed() {
        return connection.isClosed();
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
