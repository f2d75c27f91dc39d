package io.gearworker.camel.gearman.protocol;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
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
     * Read and write buffer per connection. A worker holds a connection per job slot, function and server, so this
     * is most of a slot's memory (64 KiB buffers cost ~0.6 MB per slot); larger packets bypass it.
     */
    private static final int BUFFER_SIZE = 8 * 1024;

    private final ServerAddress server;
    private final PacketCodec codec;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private PacketConnection(ServerAddress server, PacketCodec codec, Socket socket) throws IOException {
        this.server = server;
        this.codec = codec;
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_SIZE));
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_SIZE);
    }

    public static PacketConnection open(ServerAddress server, PacketCodec codec, Duration connectTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(server.host(), server.port()), (int) connectTimeout.toMillis());
            return new PacketConnection(server, codec, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public ServerAddress server() {
        return server;
    }

    /** Writes the packets and flushes once, so a result and the next grab leave in one segment. */
    public void send(Packet... packets) throws IOException {
        synchronized (out) {
            for (Packet p : packets) {
                codec.write(p, out);
            }
            out.flush();
        }
    }

    /** Blocks until a packet arrives. Throws {@link java.io.EOFException} when gearmand closed the connection. */
    public Packet receive() throws IOException {
        Packet p = codec.read(in);
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
        if (in.available() > 0) {
            return true;
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(millis, Integer.MAX_VALUE)));
        try {
            in.mark(1);
            in.read();
            in.reset();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            socket.setSoTimeout(0);
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
}
