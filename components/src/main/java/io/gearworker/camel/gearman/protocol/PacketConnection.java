package io.gearworker.camel.gearman.protocol;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One TCP connection to gearmand speaking binary packets. Reads block the calling thread (no selector spinning, no
 * polling: an idle worker costs nothing); writes are serialised so progress packets from a route thread and the
 * result from the slot thread never interleave.
 */
public final class PacketConnection implements Closeable {

    /**
     * Read buffer per connection. A worker holds a connection per job slot, function and server, so this is a good
     * part of a slot's memory; what gearmand sends a worker is mostly a few dozen bytes at a time (NOOP, NO_JOB,
     * a job and its workload), and a packet larger than the buffer is read past it into its own array.
     */
    private static final int READ_BUFFER_SIZE = 2 * 1024;

    private final ServerAddress server;
    private final PacketCodec codec;
    private final Socket socket;
    private final int stallMillis;
    private final Input buffer;
    private final DataInputStream in;
    private int soTimeout; // what the socket's read timeout is set to; only the reading thread changes it
    private final OutputStream out; // the socket's, unbuffered: send() hands it whole packets

    private PacketConnection(ServerAddress server, PacketCodec codec, Socket socket, int stallMillis)
            throws IOException {
        this.server = server;
        this.codec = codec;
        this.socket = socket;
        this.stallMillis = stallMillis;
        this.buffer = new Input(socket.getInputStream());
        this.in = new DataInputStream(buffer);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects. {@code connectTimeout} also bounds a stall inside a packet: once a packet has begun, a pause longer
     * than that in its bytes is a protocol error (a peer that sends half a packet and falls silent must not hold
     * the connection for ever).
     */
    public static PacketConnection open(ServerAddress server, PacketCodec codec, Duration connectTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(server.host(), server.port()), (int) connectTimeout.toMillis());
            return new PacketConnection(server, codec, socket,
                    (int) Math.max(1, Math.min(connectTimeout.toMillis(), Integer.MAX_VALUE)));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public ServerAddress server() {
        return server;
    }

    /** Writes the packets in one write, so a result and the next grab leave in one segment. */
    public void send(Packet... packets) throws IOException {
        synchronized (out) {
            codec.write(out, packets);
        }
    }

    /**
     * Blocks until a packet arrives (however long until it begins, at most the stall bound between its bytes).
     * Throws {@link java.io.EOFException} when gearmand closed the connection.
     */
    public Packet receive() throws IOException {
        if (buffer.buffered() == 0) {
            readTimeout(0); // the next packet may be far off: wait as long as it takes for it to begin
            in.mark(1);
            if (in.read() < 0) {
                throw new java.io.EOFException("gearmand " + server + " closed the connection");
            }
            in.reset();
        }
        Packet p;
        readTimeout(stallMillis);
        try {
            p = codec.read(in);
        } catch (SocketTimeoutException e) {
            throw new GearmanProtocolException("gearmand " + server + " sent part of a packet, then nothing for "
                                               + stallMillis + " ms", e);
        }
        if (p == null) {
            throw new java.io.EOFException("gearmand " + server + " closed the connection");
        }
        return p;
    }

    /**
     * Waits up to {@code millis} for the next packet to begin, consuming nothing; no busy wait (the socket's read
     * timeout bounds one blocking read).
     *
     * @return true when data is there (or the stream ended: {@link #receive()} reports that), false on timeout
     */
    public boolean awaitData(long millis) throws IOException {
        if (buffer.buffered() > 0) {
            return true;
        }
        readTimeout((int) Math.max(1, Math.min(millis, Integer.MAX_VALUE)));
        try {
            in.mark(1);
            in.read();
            in.reset();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Sets the socket's read timeout when it changes (setting it boxes the value: not once per packet). */
    private void readTimeout(int millis) throws IOException {
        if (soTimeout != millis) {
            socket.setSoTimeout(millis);
            soTimeout = millis;
        }
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

    /** The socket's read buffer, telling how much of it is unread without asking the socket. */
    private static final class Input extends BufferedInputStream {

        Input(InputStream in) {
            super(in, READ_BUFFER_SIZE);
        }

        int buffered() {
            return count - pos;
        }
    }
}
