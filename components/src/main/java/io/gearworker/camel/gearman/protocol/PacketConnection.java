package io.gearworker.camel.gearman.protocol;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;

/**
 * One TCP connection to gearmand speaking binary packets. Reads block the calling thread without a timeout (no
 * selector spinning, no polling, and the socket stays in blocking mode: one read system call per buffer fill, and
 * every packet already in the buffer is taken from it without one). Deadlines are kept here and enforced from
 * outside: whoever sends a request that expects an answer calls {@link #awaitAnswerWithin}, whoever recognises the
 * answer calls {@link #answered()}, and a {@link ConnectionWatchdog} calls {@link #closeIfOverdue} — the close
 * unblocks the reader, whose {@link #receive()} then throws {@link AnswerTimeoutException}. Writes are serialised
 * so progress packets from a route thread and the result from the slot thread never interleave.
 * <p>
 * TCP keepalive (probes after {@value #KEEPALIVE_IDLE_SECONDS} s idle) is a second line only: it does not fire
 * while unacknowledged data is queued, and the heartbeats notice a silent server long before it would.
 */
public final class PacketConnection implements Closeable {

    /**
     * Read buffer per connection. A worker holds a connection per job slot, function and server, so this is a good
     * part of a slot's memory; what gearmand sends a worker is mostly a few dozen bytes at a time (NOOP, NO_JOB,
     * a job and its workload), and a packet larger than the buffer is read past it into its own array.
     */
    private static final int READ_BUFFER_SIZE = 2 * 1024;
    static final int KEEPALIVE_IDLE_SECONDS = 60;
    private static final int KEEPALIVE_INTERVAL_SECONDS = 10;
    private static final int KEEPALIVE_PROBES = 3;

    private final ServerAddress server;
    private final PacketCodec codec;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out; // the socket's, unbuffered: send() hands it whole packets
    private volatile long awaitingSince;    // System.nanoTime() an answer is awaited since; 0: none awaited
    private volatile long answerTimeoutMillis;
    private volatile String awaited;        // what the awaited answer answers, for the message
    private volatile long lastHeard;        // System.nanoTime() of the last packet received (or of the connect)
    private volatile String closedBecause;  // set when a deadline closed the connection
    private volatile ConnectionWatchdog watchdog; // told of each new deadline; null until watched

    private PacketConnection(ServerAddress server, PacketCodec codec, Socket socket) throws IOException {
        this.server = server;
        this.codec = codec;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), READ_BUFFER_SIZE));
        this.out = socket.getOutputStream();
        this.lastHeard = System.nanoTime();
    }

    /** Connects within {@code connectTimeout}; the socket never gets a read timeout. */
    public static PacketConnection open(ServerAddress server, PacketCodec codec, Duration connectTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            keepalive(socket, ExtendedSocketOptions.TCP_KEEPIDLE, KEEPALIVE_IDLE_SECONDS);
            keepalive(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, KEEPALIVE_INTERVAL_SECONDS);
            keepalive(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
            socket.connect(new InetSocketAddress(server.host(), server.port()),
                    (int) Math.max(1, Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE)));
            return new PacketConnection(server, codec, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sets a keepalive option where the platform has it (Linux, macOS); elsewhere the OS defaults stay. */
    private static void keepalive(Socket socket, SocketOption<Integer> option, int value) throws IOException {
        if (socket.supportedOptions().contains(option)) {
            socket.setOption(option, value);
        }
    }

    public ServerAddress server() {
        return server;
    }

    /** Writes the packets in one write, so a result and the next grab leave in one segment. */
    public void send(Packet... packets) throws IOException {
        try {
            synchronized (out) {
                codec.write(out, packets);
            }
        } catch (IOException e) {
            throw overdue(e);
        }
    }

    /**
     * Blocks until a packet arrives, however long that takes; the watchdog bounds the wait for an awaited answer.
     *
     * @throws EOFException when gearmand closed the connection
     * @throws AnswerTimeoutException when the watchdog closed it: an awaited answer was overdue
     */
    public Packet receive() throws IOException {
        Packet p;
        try {
            p = codec.read(in);
        } catch (IOException e) {
            throw overdue(e);
        }
        if (p == null) {
            throw new EOFException("gearmand " + server + " closed the connection");
        }
        lastHeard = System.nanoTime();
        return p;
    }

    /** The exception to throw for {@code e}: an {@link AnswerTimeoutException} when a deadline closed the socket. */
    private IOException overdue(IOException e) {
        String reason = closedBecause;
        return reason == null || e instanceof AnswerTimeoutException ? e : new AnswerTimeoutException(reason, e);
    }

    /**
     * An answer is awaited from now: unless {@link #answered()} comes first, the watchdog closes the connection
     * once gearmand has been silent for {@code timeoutMillis} (any packet counts as a sign of life: a server busy
     * sending queued NOOPs is not a lost one). Call it before sending the request (a send that blocks is bounded
     * too).
     *
     * @param what what the answer answers, for the message ("the answer to a grab", "the heartbeat")
     */
    public void awaitAnswerWithin(long timeoutMillis, String what) {
        this.awaited = what;
        this.answerTimeoutMillis = timeoutMillis;
        long now = System.nanoTime();
        this.awaitingSince = now == 0 ? 1 : now;
        lookWithin(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    /** The watchdog that enforces this connection's deadlines. */
    public void watchedBy(ConnectionWatchdog w) {
        this.watchdog = w;
    }

    /** Tells the watchdog (once watched) that a deadline of this connection falls within {@code delayNanos}. */
    public void lookWithin(long delayNanos) {
        ConnectionWatchdog w = watchdog;
        if (w != null) {
            w.lookWithin(delayNanos);
        }
    }

    /** The awaited answer came. */
    public void answered() {
        awaitingSince = 0;
    }

    /** When the last packet arrived (System.nanoTime()); the connect counts as one. */
    public long lastHeardNanos() {
        return lastHeard;
    }

    /**
     * Nanoseconds from {@code nowNanos} until gearmand has been silent for answerTimeout while an answer is awaited;
     * {@link Long#MAX_VALUE} when none is awaited.
     */
    public long answerDueInNanos(long nowNanos) {
        long since = awaitingSince;
        if (since == 0) {
            return Long.MAX_VALUE;
        }
        long heard = lastHeard;
        long silentSince = heard - since > 0 ? heard : since;
        return TimeUnit.MILLISECONDS.toNanos(answerTimeoutMillis) - (nowNanos - silentSince);
    }

    /**
     * Closes the connection when an answer is awaited and gearmand has been silent for answerTimeout at
     * {@code nowNanos}; true when it did.
     */
    public boolean closeIfOverdue(long nowNanos) {
        if (answerDueInNanos(nowNanos) > 0) {
            return false;
        }
        closeBecause("gearmand " + server + " did not answer within " + answerTimeoutMillis + " ms (awaiting "
                     + awaited + ")");
        return true;
    }

    /** Closes the connection; the reader and any writer get an {@link AnswerTimeoutException} with this reason. */
    public void closeBecause(String reason) {
        if (closedBecause == null) {
            closedBecause = reason;
        }
        close();
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Closes the socket; a thread blocked in {@link #receive()} gets an exception at once. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; nothing more can be done with this socket
        }
    }

    @Override
    public String toString() {
        return "gearmand " + server;
    }
}
