package io.gearworker.camel.gearman.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * gearmand's text admin protocol on the job port: {@code workers}, {@code status}, {@code getpid},
 * {@code version}. One short connection per command, with a read timeout so a stuck server cannot hang a script.
 * <p>
 * gearmand prints function names and client ids raw, so anyone who can submit a job or register a function can put
 * a newline, a tab, a space or a lone {@code .} into a reply. The list commands therefore never trust the reply's
 * own {@code .} as its end: a binary ECHO with a random nonce follows the command on the same connection (gearmand
 * answers in order, so its ECHO_RES marks the true end, and no name can forge a nonce it never saw). Rows that do
 * not fit are counted ({@link #anomalies()}), logged once per streak, and never make a command fail.
 */
public final class AdminClient {

    /** One line of {@code workers}: {@code FD IP CLIENT-ID : FUNC…}; client id is "-" when none was set. */
    public record WorkerLine(ServerAddress server, String fd, String ip, String clientId, List<String> functions) {
    }

    /** One line of {@code status}: {@code FUNCTION TOTAL RUNNING AVAILABLE_WORKERS}. */
    public record FunctionStatus(String function, int total, int running, int availableWorkers) {
    }

    /** A reply larger than this is refused: thousands of functions take a few hundred KiB. */
    static final int MAX_REPLY = 16 * 1024 * 1024;
    private static final int ECHO_REQ = 16;
    private static final int ECHO_RES = 17;
    private static final SecureRandom NONCES = new SecureRandom();

    private final Duration timeout;
    private final AdminAnomalies anomalies = new AdminAnomalies();

    public AdminClient(Duration timeout) {
        this.timeout = timeout;
    }

    public List<WorkerLine> workers(ServerAddress server) throws IOException {
        AdminReplyParser.Parsed<WorkerLine> parsed = AdminReplyParser.workers(server, listCommand(server, "workers"));
        anomalies.record(server, "workers", parsed.anomalies(), parsed.firstAnomaly());
        return parsed.rows();
    }

    public List<FunctionStatus> status(ServerAddress server) throws IOException {
        AdminReplyParser.Parsed<FunctionStatus> parsed = AdminReplyParser.status(listCommand(server, "status"));
        anomalies.record(server, "status", parsed.anomalies(), parsed.firstAnomaly());
        return parsed.rows();
    }

    /** Lines of {@code workers} and {@code status} replies so far that did not fit the format (see the class). */
    public long anomalies() {
        return anomalies.total();
    }

    public String getpid(ServerAddress server) throws IOException {
        return lineCommand(server, "getpid");
    }

    public String version(ServerAddress server) throws IOException {
        return lineCommand(server, "version");
    }

    /** The reply's lines up to its true end (without the final {@code .}), read as described in the class. */
    private List<String> listCommand(ServerAddress server, String command) throws IOException {
        byte[] nonce = HexFormat.of().formatHex(nonce()).getBytes(StandardCharsets.US_ASCII);
        byte[] end = packet("RES", ECHO_RES, nonce);
        try (Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(packet("REQ", ECHO_REQ, nonce));
            out.flush();
            String reply = new String(readUntil(socket.getInputStream(), end, server, command),
                    StandardCharsets.UTF_8);
            // a refusal is one ERR line; a list that starts with a function named "ERR …" still ends with "."
            if (reply.startsWith("ERR ") && !reply.endsWith(".\n")) {
                throw new IOException("gearmand " + server + " refused '" + command + "': "
                                      + AdminAnomalies.quote(reply.strip()));
            }
            // the reply proper ends with ".\n"; a reply without it still yields its rows
            String rows = reply.endsWith(".\n") ? reply.substring(0, reply.length() - 2) : reply;
            if (rows.isEmpty()) {
                return List.of();
            }
            return Arrays.asList((rows.endsWith("\n") ? rows.substring(0, rows.length() - 1) : rows).split("\n", -1));
        }
    }

    private static byte[] nonce() {
        byte[] b = new byte[16];
        NONCES.nextBytes(b);
        return b;
    }

    /** Everything before {@code end}, which must arrive within the timeout of each read and {@link #MAX_REPLY}. */
    private static byte[] readUntil(InputStream in, byte[] end, ServerAddress server, String command)
            throws IOException {
        byte[] reply = new byte[8192];
        int size = 0;
        for (int n; (n = in.read(reply, size, reply.length - size)) >= 0; ) {
            size += n;
            if (size >= end.length && Arrays.equals(reply, size - end.length, size, end, 0, end.length)) {
                return Arrays.copyOf(reply, size - end.length);
            }
            if (size == reply.length) {
                if (size >= MAX_REPLY) {
                    throw new GearmanProtocolException("gearmand " + server + " sent more than " + MAX_REPLY
                                                       + " bytes for '" + command + "'");
                }
                reply = Arrays.copyOf(reply, Math.min(MAX_REPLY, size * 2));
            }
        }
        throw new GearmanProtocolException("gearmand " + server + " closed before ending '" + command + "'");
    }

    private static byte[] packet(String magic, int type, byte[] data) {
        return ByteBuffer.allocate(12 + data.length).put((byte) 0).put(magic.getBytes(StandardCharsets.US_ASCII))
                .putInt(type).putInt(data.length).put(data).array();
    }

    private String lineCommand(ServerAddress server, String command) throws IOException {
        try (Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null || line.startsWith("ERR ")) {
                throw new IOException("gearmand " + server + " refused '" + command + "': " + line);
            }
            return line.startsWith("OK ") ? line.substring(3) : line;
        }
    }

    private Socket connect(ServerAddress server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(server.host(), server.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot reach gearmand " + server + ": " + e.getMessage(), e);
        }
    }
}
