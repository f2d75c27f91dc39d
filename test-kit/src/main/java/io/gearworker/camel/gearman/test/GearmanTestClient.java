package io.gearworker.camel.gearman.test;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The client side a route test needs, one connection per call: submit a foreground job and wait for its result
 * (SUBMIT_JOB → JOB_CREATED → WORK_COMPLETE / WORK_FAIL / WORK_EXCEPTION), and list the server's workers (the
 * text admin command {@code workers}). Deliberately tiny and blocking; not the component's client.
 */
public final class GearmanTestClient {

    /** One worker connection as gearmand's {@code workers} lists it. */
    public record Worker(String ip, String clientId, List<String> functions) {
    }

    /** A function's line of gearmand's {@code status}: jobs queued (running included), running, workers able. */
    public record FunctionStatus(String function, int total, int running, int availableWorkers) {
    }

    /** The job ended with WORK_FAIL, WORK_EXCEPTION (message = its data) or an ERROR packet. */
    public static final class JobFailedException extends RuntimeException {
        public JobFailedException(String message) {
            super(message);
        }
    }

    private static final byte[] REQ = {0, 'R', 'E', 'Q'};
    private static final int SUBMIT_JOB = 7;
    private static final int JOB_CREATED = 8;
    private static final int WORK_COMPLETE = 13;
    private static final int WORK_FAIL = 14;
    private static final int ERROR = 19;
    private static final int WORK_EXCEPTION = 25;
    private static final int OPTION_REQ = 26;
    private static final int OPTION_RES = 27;

    private final String host;
    private final int port;

    public GearmanTestClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Submits a foreground job and waits at most {@code limit} for its result, decoded as UTF-8.
     *
     * @throws JobFailedException when the job failed
     * @throws IllegalStateException when no result came within the limit
     */
    public String submit(String function, String payload, Duration limit) {
        return new String(submit(function, payload.getBytes(StandardCharsets.UTF_8), limit), StandardCharsets.UTF_8);
    }

    /** {@link #submit(String, String, Duration)} with bytes in and out. */
    public byte[] submit(String function, byte[] payload, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try (Socket socket = connect(limit)) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            // exceptions forwarded to the client, so a route's failure message reaches the test
            write(out, OPTION_REQ, "exceptions".getBytes(StandardCharsets.US_ASCII));
            byte[] unique = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
            write(out, SUBMIT_JOB, join(function.getBytes(StandardCharsets.UTF_8), unique, payload));
            String handle = null;
            while (true) {
                socket.setSoTimeout(remainingMillis(deadline, function));
                int type = readHeader(in);
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                switch (type) {
                    case OPTION_RES -> { }
                    case JOB_CREATED -> handle = new String(data, StandardCharsets.US_ASCII);
                    case WORK_COMPLETE -> {
                        return afterHandle(data);
                    }
                    case WORK_FAIL -> throw new JobFailedException("job " + handle + " of " + function + " failed");
                    case WORK_EXCEPTION -> throw new JobFailedException("job " + handle + " of " + function
                            + " failed: " + new String(afterHandle(data), StandardCharsets.UTF_8));
                    case ERROR -> throw new JobFailedException("gearmand answered ERROR: "
                            + new String(data, StandardCharsets.UTF_8).replace('\0', ' '));
                    default -> { } // WORK_STATUS, WORK_DATA, WORK_WARNING: progress a test may ignore
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no result for a job of " + function + " within " + limit, e);
        } catch (IOException e) {
            throw new UncheckedIOException("submitting a job of " + function + " to " + host + ":" + port, e);
        }
    }

    /** The server's worker connections now (admin command {@code workers}); our own admin connection excluded. */
    public List<Worker> workers() {
        List<Worker> workers = new ArrayList<>();
        for (String line : adminCommand("workers")) {
            // FD IP CLIENT-ID : FUNCTION…
            int colon = line.indexOf(" :");
            String[] head = line.substring(0, colon).trim().split(" ");
            List<String> functions = Arrays.stream(line.substring(colon + 2).trim().split(" "))
                    .filter(f -> !f.isEmpty()).toList();
            String clientId = head.length > 2 ? head[2] : "-";
            if (!functions.isEmpty() || !clientId.equals("-")) {
                workers.add(new Worker(head[1], clientId, functions));
            }
        }
        return workers;
    }

    /** The lines of a text admin command's answer, up to the closing {@code .}. */
    private List<String> adminCommand(String command) {
        try (Socket socket = connect(Duration.ofSeconds(5))) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null && !line.equals("."); line = reader.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("admin command '" + command + "' to " + host + ":" + port, e);
        }
    }

    /** The function's status now (admin command {@code status}); all zero when gearmand does not know it. */
    public FunctionStatus status(String function) {
        for (String line : adminCommand("status")) {
            String[] fields = line.split("\t");
            if (fields.length == 4 && fields[0].equals(function)) {
                return new FunctionStatus(function, Integer.parseInt(fields[1]), Integer.parseInt(fields[2]),
                        Integer.parseInt(fields[3]));
            }
        }
        return new FunctionStatus(function, 0, 0, 0);
    }

    /** How many worker connections can do {@code function} now. */
    public long connectionsFor(String function) {
        return workers().stream().filter(w -> w.functions().contains(function)).count();
    }

    private Socket connect(Duration limit) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) Math.min(limit.toMillis(), 5000));
        return socket;
    }

    private static int remainingMillis(long deadline, String function) throws SocketTimeoutException {
        long millis = (deadline - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new SocketTimeoutException(function);
        }
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    private static void write(DataOutputStream out, int type, byte[] data) throws IOException {
        out.write(REQ);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private static int readHeader(DataInputStream in) throws IOException {
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (magic[0] != 0 || magic[1] != 'R' || magic[2] != 'E' || magic[3] != 'S') {
            throw new IOException("not a gearman response: " + Arrays.toString(magic));
        }
        return in.readInt();
    }

    private static byte[] join(byte[] function, byte[] unique, byte[] payload) {
        byte[] all = new byte[function.length + 1 + unique.length + 1 + payload.length];
        System.arraycopy(function, 0, all, 0, function.length);
        System.arraycopy(unique, 0, all, function.length + 1, unique.length);
        System.arraycopy(payload, 0, all, function.length + unique.length + 2, payload.length);
        return all;
    }

    /** The bytes after the job handle and its NUL. */
    private static byte[] afterHandle(byte[] data) {
        int nul = 0;
        while (nul < data.length && data[nul] != 0) {
            nul++;
        }
        return nul >= data.length ? new byte[0] : Arrays.copyOfRange(data, nul + 1, data.length);
    }
}
