package io.gearworker.camel.gearman.protocol;

import static io.gearworker.camel.gearman.protocol.Packet.request;
import static io.gearworker.camel.gearman.protocol.Packet.text;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of one connection: register, grab, sleep until woken, report results. The caller drives it from
 * one thread; progress packets ({@link #sendStatus}, {@link #sendData}) may come from another, and a
 * {@link ConnectionWatchdog} calls {@link #check} from its own.
 * <p>
 * Every request that expects an answer (a grab, an ECHO) must be answered within {@code answerTimeout}, else the
 * watchdog closes the connection. While asleep (PRE_SLEEP sent, no NOOP yet) the connection proves its server alive
 * every {@code heartbeatInterval} with an ECHO; gearmand answers it without changing the sleep state, and the NOOP
 * that wakes us may come before the ECHO_RES, which is then skipped where it arrives. A connection with a job
 * running awaits nothing, so it is never closed while the route runs: it is judged when its result goes out.
 */
public final class WorkerConnection implements Closeable, ConnectionWatchdog.Watched {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerConnection.class);
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CONFIRM = text("confirm");
    private static final byte[] HEARTBEAT = text("heartbeat");

    private final PacketConnection connection;
    private final Set<String> functions;
    private final long answerTimeoutMillis;
    private final long heartbeatNanos;
    private final Object sleep = new Object(); // orders the watchdog's heartbeat against the reader's wake-up
    private boolean asleep;                     // guarded by sleep: PRE_SLEEP sent, no NOOP read since
    private boolean heartbeatSent;              // guarded by sleep: an ECHO went out during this sleep, unanswered

    private WorkerConnection(PacketConnection connection, Collection<String> functions, Liveness liveness) {
        this.connection = connection;
        this.functions = Set.copyOf(functions);
        this.answerTimeoutMillis = liveness.answerTimeout().toMillis();
        this.heartbeatNanos = liveness.heartbeatInterval().toNanos();
    }

    /**
     * Connects and sends the registration: the worker id and every function (CAN_DO, or CAN_DO_TIMEOUT when
     * timeout > 0). The caller then has the connection watched and calls {@link #confirm()}: a peer that does not
     * speak the protocol (bad magic, garbage, silence) fails there like an unreachable server.
     */
    public static WorkerConnection open(ServerAddress server, PacketCodec codec, Liveness liveness,
            String workerId, Collection<String> functions, int canDoTimeoutSeconds) throws IOException {
        PacketConnection c = PacketConnection.open(server, codec, liveness.connectTimeout());
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
            return new WorkerConnection(c, functions, liveness);
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
        connection.awaitAnswerWithin(answerTimeoutMillis, "the answer to a grab");
        if (before.length == 0) {
            connection.send(request(PacketType.GRAB_JOB_UNIQ));
        } else {
            Packet[] all = java.util.Arrays.copyOf(before, before.length + 1);
            all[before.length] = request(PacketType.GRAB_JOB_UNIQ);
            connection.send(all);
        }
    }

    /**
     * Waits for the answer to {@link #requestJob}: the job, or {@code null} for NO_JOB. NOOPs that were queued
     * while we were busy, and the answer to a heartbeat sent before the grab, are skipped. A job larger than
     * maxPayloadSize, or of a function this connection did not register, is failed (WORK_FAIL) and counts as no job.
     * Any of these answers also proves that gearmand processed every packet sent before the grab.
     *
     * @throws AnswerTimeoutException when no answer came within answerTimeout (the watchdog closed the connection)
     */
    public AssignedJob awaitAssignment() throws IOException {
        while (true) {
            Packet p;
            try {
                p = connection.receive();
            } catch (OversizedJobException e) {
                connection.answered();
                // failing it is final and tells the client; handing it back would only loop it through the fleet
                connection.send(workFail(e.getHandle()));
                LOG.warn("Refused job {} from gearmand {}: {}; sent WORK_FAIL", e.getHandle(), server(),
                        e.getMessage());
                return null;
            }
            switch (p.type()) {
                case NO_JOB:
                    connection.answered();
                    return null;
                case JOB_ASSIGN_UNIQ:
                    connection.answered();
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
                case NOOP, ECHO_RES:
                    continue;
                case ERROR:
                    throw error(p);
                default:
                    throw new GearmanProtocolException("unexpected " + p.type() + " while waiting for a job from "
                            + server());
            }
        }
    }

    /**
     * One ECHO round trip within answerTimeout, the ECHO preceded by the given packets in the same write: gearmand
     * answers packets in order, so its ECHO_RES proves it processed everything sent before (the registration, a
     * job's result). NOOPs queued meanwhile are skipped. The deadline runs from before the write, so a write that
     * blocks on a silent server is bounded too.
     *
     * @throws AnswerTimeoutException when no answer came in time (the watchdog closed the connection)
     */
    public void confirm(Packet... before) throws IOException {
        connection.awaitAnswerWithin(answerTimeoutMillis, "the ECHO that confirms what was sent");
        Packet[] all = java.util.Arrays.copyOf(before, before.length + 1);
        all[before.length] = request(PacketType.ECHO_REQ, CONFIRM);
        connection.send(all);
        while (true) {
            Packet p = connection.receive();
            switch (p.type()) {
                case ECHO_RES:
                    if (java.util.Arrays.equals(p.argument(0), HEARTBEAT)) {
                        continue;
                    }
                    connection.answered();
                    return;
                case NOOP:
                    continue;
                case ERROR:
                    throw error(p);
                default:
                    throw new GearmanProtocolException("unexpected " + p.type()
                                                       + " while waiting for ECHO_RES from " + server());
            }
        }
    }

    /** Tells gearmand we are going to sleep; it answers with NOOP when a job of ours arrives. */
    public void preSleep() throws IOException {
        synchronized (sleep) {
            asleep = true;
            heartbeatSent = false;
        }
        // the first heartbeat of this sleep is due then
        connection.lookWithin(heartbeatNanos - (System.nanoTime() - connection.lastHeardNanos()));
        connection.send(request(PacketType.PRE_SLEEP));
    }

    /**
     * Blocks on the socket until gearmand sends NOOP. Costs no CPU while waiting; the watchdog's heartbeats are
     * answered here (or, when the NOOP came first, skipped by the next {@link #awaitAssignment()}).
     */
    public void awaitWakeUp() throws IOException {
        while (true) {
            Packet p = connection.receive();
            switch (p.type()) {
                case NOOP:
                    synchronized (sleep) {
                        asleep = false;
                    }
                    return;
                case ECHO_RES:
                    synchronized (sleep) {
                        heartbeatSent = false;
                    }
                    connection.answered();
                    continue;
                case ERROR:
                    throw error(p);
                default:
                    throw new GearmanProtocolException("unexpected " + p.type() + " while asleep on " + server());
            }
        }
    }

    /**
     * The watchdog's look: a connection asleep for heartbeatInterval since it last heard from gearmand sends an
     * ECHO; any awaited answer that is overdue closes the connection. Answers when the next of these is due.
     */
    @Override
    public long check(long nowNanos) {
        if (connection.closeIfOverdue(nowNanos)) {
            return Long.MAX_VALUE;
        }
        long answerDue = connection.answerDueInNanos(nowNanos);
        synchronized (sleep) {
            // under the lock the reader takes on waking: the ECHO leaves before the next grab, never after it
            if (!asleep || heartbeatSent) {
                return answerDue;
            }
            long heartbeatDue = heartbeatNanos - (nowNanos - connection.lastHeardNanos());
            if (heartbeatDue > 0) {
                return Math.min(answerDue, heartbeatDue);
            }
            heartbeatSent = true;
            connection.awaitAnswerWithin(answerTimeoutMillis, "the heartbeat");
            try {
                connection.send(request(PacketType.ECHO_REQ, HEARTBEAT));
            } catch (IOException e) {
                connection.closeBecause("heartbeat to gearmand " + server() + " failed: " + e.getMessage());
                return Long.MAX_VALUE;
            }
            return connection.answerDueInNanos(nowNanos);
        }
    }

    @Override
    public void watchedBy(ConnectionWatchdog watchdog) {
        connection.watchedBy(watchdog);
    }

    private GearmanProtocolException error(Packet p) {
        return new GearmanProtocolException("gearmand " + server() + " answered ERROR " + p.textArgument(0) + ": "
                                            + p.textArgument(1));
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
