package io.gearworker.camel.gearman.test;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * What any Gearman client may do to gearmand's admin text: background jobs to function names with newlines, tabs,
 * spaces and a lone ".", and a connection (held until {@link #close()}) that registers those names under a client
 * id with a space. Raw packets, as a hostile or careless client would send them.
 */
public final class HostileNames implements Closeable {

    /** A newline, a forged status row with an early ".", and a space. */
    public static final List<String> NAMES = List.of("brk\nx", "inj\t7\t0\t0\n.\nhidden", "has space");
    public static final String CLIENT_ID = "rogue id";

    private static final int CAN_DO = 1;
    private static final int SUBMIT_JOB_BG = 18;
    private static final int SET_CLIENT_ID = 22;
    private static final int ECHO_REQ = 16;

    private final Socket worker;

    private HostileNames(Socket worker) {
        this.worker = worker;
    }

    /** Queues one background job to each of {@link #NAMES} and registers them all on a connection kept open. */
    public static HostileNames against(ServerAddress server) throws IOException {
        try (Socket client = new Socket(server.host(), server.port())) {
            for (String name : NAMES) {
                send(client, SUBMIT_JOB_BG, name, "", "payload");
            }
            send(client, ECHO_REQ, "done");
            client.setSoTimeout(5000);
            client.getInputStream().readNBytes(12 * (NAMES.size() + 1)); // JOB_CREATED… and ECHO_RES headers
        }
        Socket worker = new Socket(server.host(), server.port());
        send(worker, SET_CLIENT_ID, CLIENT_ID);
        for (String name : NAMES) {
            send(worker, CAN_DO, name);
        }
        send(worker, ECHO_REQ, "done");
        worker.setSoTimeout(5000);
        worker.getInputStream().readNBytes(12 + 4); // ECHO_RES: gearmand has taken the registrations
        return new HostileNames(worker);
    }

    private static void send(Socket socket, int type, String... arguments) throws IOException {
        byte[] data = String.join("\0", arguments).getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(12 + data.length).put((byte) 0).put("REQ".getBytes(StandardCharsets.US_ASCII))
                .putInt(type).putInt(data.length).put(data).array());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        worker.close();
    }
}
