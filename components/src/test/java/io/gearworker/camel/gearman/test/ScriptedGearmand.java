package io.gearworker.camel.gearman.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * A fake gearmand on a free loopback port that answers each worker connection from a script: well-formed packets,
 * or what a broken or hostile server sends (garbage, wrong magic, a 4 GiB length, truncated packets, unknown
 * types, NOOP floods, ERROR replies, missing NULs, silence). Each accepted connection runs the script on a thread
 * of its own; {@link #close()} ends them all.
 *
 * <pre>{@code
 * try (ScriptedGearmand server = ScriptedGearmand.start(s -> {
 *     s.handshake();                                        // registration and its ECHO, as gearmand answers
 *     s.await(PacketType.GRAB_JOB_UNIQ);
 *     s.sendRaw(ScriptedGearmand.header(0x48545450, 6, 0)); // "HTTP" instead of \0RES
 *     s.awaitClose();
 * })) { ... "gearman:fn?servers=" + server.servers() ... }
 * }</pre>
 */
public final class ScriptedGearmand implements AutoCloseable {

    /** Magic of a response packet, {@code \0RES}. */
    public static final int RES = 0x00524553;

    /** What the server does on one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void run(Session session) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    private ScriptedGearmand(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::accept, "scripted-gearmand-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ScriptedGearmand start(Script script) throws IOException {
        return new ScriptedGearmand(script);
    }

    /** {@code 127.0.0.1:port}, as the {@code servers} option takes it. */
    public String servers() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public ServerAddress address() {
        return new ServerAddress("127.0.0.1", server.getLocalPort());
    }

    /** Connections accepted so far: the worker's connection attempts that reached us. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-gearmand-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            script.run(new Session(s));
        } catch (Exception e) {
            // the worker closed the connection, or the test ended: the script is done either way
        } finally {
            sockets.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** A packet header: magic, type code, declared data length (taken as unsigned: -1 is 4 GiB - 1). */
    public static byte[] header(int magic, int type, int length) {
        return ByteBuffer.allocate(12).putInt(magic).putInt(type).putInt(length).array();
    }

    /** A response packet with exactly these data bytes (no checks: the data may lack the NULs the type needs). */
    public static byte[] response(PacketType type, byte[] data) {
        return ByteBuffer.allocate(12 + data.length).put(header(RES, type.code(), data.length)).put(data).array();
    }

    /** One worker connection as the script sees it. */
    public static final class Session {

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final PacketCodec codec = new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE);

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        /** The worker's next request packet; {@code null} when it closed the connection. */
        public Packet readRequest() throws IOException {
            return codec.read(in);
        }

        /** Reads requests up to one of this type, answering ECHO_REQ on the way; null when the worker closed. */
        public Packet await(PacketType type) throws IOException {
            while (true) {
                Packet p = readRequest();
                if (p == null || p.type() == type) {
                    return p;
                }
                if (p.type() == PacketType.ECHO_REQ) {
                    send(Packet.response(PacketType.ECHO_RES, p.argument(0)));
                }
            }
        }

        /** Takes the registration (SET_CLIENT_ID, CAN_DO…) and answers its ECHO, as gearmand does. */
        public void handshake() throws IOException {
            await(PacketType.ECHO_REQ);
            send(Packet.response(PacketType.ECHO_RES, Packet.text("confirm")));
        }

        public void send(Packet... packets) throws IOException {
            codec.write(out, packets);
            out.flush();
        }

        public void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes the same bytes {@code times} times, in large writes. */
        public void flood(byte[] bytes, long times) throws IOException {
            byte[] chunk = new byte[bytes.length * Math.max(1, 65536 / bytes.length)];
            for (int i = 0; i + bytes.length <= chunk.length; i += bytes.length) {
                System.arraycopy(bytes, 0, chunk, i, bytes.length);
            }
            long perChunk = chunk.length / bytes.length;
            long left = times;
            while (left >= perChunk) {
                out.write(chunk);
                left -= perChunk;
            }
            out.write(chunk, 0, (int) (left * bytes.length));
            out.flush();
        }

        /** Answers nothing and reads everything until the worker closes the connection (or the server stops). */
        public void awaitClose() throws IOException {
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // silence
            }
        }

        public void close() throws IOException {
            socket.close();
        }
    }
}
