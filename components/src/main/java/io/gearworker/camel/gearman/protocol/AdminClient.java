package io.gearworker.camel.gearman.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * gearmand's text admin protocol on the job port: {@code workers}, {@code status}, {@code getpid},
 * {@code version}. One short connection per command, with a read timeout so a stuck server cannot hang a script.
 */
public final class AdminClient {

    /** One line of {@code workers}: {@code FD IP CLIENT-ID : FUNC…}; client id is "-" when none was set. */
    public record WorkerLine(ServerAddress server, String fd, String ip, String clientId, List<String> functions) {
    }

    /** One line of {@code status}: {@code FUNCTION TOTAL RUNNING AVAILABLE_WORKERS}. */
    public record FunctionStatus(String function, int total, int running, int availableWorkers) {
    }

    private final Duration timeout;

    public AdminClient(Duration timeout) {
        this.timeout = timeout;
    }

    public List<WorkerLine> workers(ServerAddress server) throws IOException {
        List<WorkerLine> result = new ArrayList<>();
        for (String line : listCommand(server, "workers")) {
            result.add(parseWorkerLine(server, line));
        }
        return result;
    }

    public List<FunctionStatus> status(ServerAddress server) throws IOException {
        List<FunctionStatus> result = new ArrayList<>();
        for (String line : listCommand(server, "status")) {
            result.add(parseStatusLine(line));
        }
        return result;
    }

    public String getpid(ServerAddress server) throws IOException {
        return lineCommand(server, "getpid");
    }

    public String version(ServerAddress server) throws IOException {
        return lineCommand(server, "version");
    }

    static WorkerLine parseWorkerLine(ServerAddress server, String line) throws GearmanProtocolException {
        // FD IP CLIENT-ID : FUNC… (the IP may itself contain colons: IPv6)
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals(":")) {
            throw new GearmanProtocolException("unexpected 'workers' line from " + server + ": " + line);
        }
        List<String> functions = Arrays.asList(f).subList(4, f.length);
        return new WorkerLine(server, f[0], f[1], f[2], List.copyOf(functions));
    }

    static FunctionStatus parseStatusLine(String line) throws GearmanProtocolException {
        String[] f = line.split("\t");
        try {
            return new FunctionStatus(f[0], Integer.parseInt(f[1].trim()), Integer.parseInt(f[2].trim()),
                    Integer.parseInt(f[3].trim()));
        } catch (RuntimeException e) {
            throw new GearmanProtocolException("unexpected 'status' line: " + line, e);
        }
    }

    private List<String> listCommand(ServerAddress server, String command) throws IOException {
        try (Socket socket = connect(server)) {
            BufferedReader in = send(socket, command);
            List<String> lines = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(".")) {
                    return lines;
                }
                if (line.startsWith("ERR ")) {
                    throw new IOException("gearmand " + server + " refused '" + command + "': " + line);
                }
                lines.add(line);
            }
            throw new GearmanProtocolException("gearmand " + server + " closed before ending '" + command + "'");
        }
    }

    private String lineCommand(ServerAddress server, String command) throws IOException {
        try (Socket socket = connect(server)) {
            String line = send(socket, command).readLine();
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

    private static BufferedReader send(Socket socket, String command) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }
}
