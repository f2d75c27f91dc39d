package io.gearworker.camel.gearman.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A gearmand address, {@code host:port} (port defaults to 4730). A value class rather than a record so that its
 * text, which every job carries (event lines, the server header), is built once.
 */
public final class ServerAddress {

    public static final int DEFAULT_PORT = 4730;

    private final String host;
    private final int port;
    private final String text;

    public ServerAddress(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("server host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port must be 1..65535, was " + port);
        }
        this.host = host;
        this.port = port;
        this.text = host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Parses {@code host[:port][,host[:port]…]}; duplicates are kept once. */
    public static List<ServerAddress> parseList(String servers) {
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("servers must list at least one host:port, e.g. 127.0.0.1:4730");
        }
        List<ServerAddress> result = new ArrayList<>();
        for (String part : servers.split(",")) {
            ServerAddress address = parse(part.trim());
            if (!result.contains(address)) {
                result.add(address);
            }
        }
        return List.copyOf(result);
    }

    public static ServerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new ServerAddress(text, DEFAULT_PORT);
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        try {
            return new ServerAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server '" + text + "' has no valid port (expected host:port)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerAddress other && port == other.port && host.equals(other.host);
    }

    @Override
    public int hashCode() {
        return 31 * host.hashCode() + port;
    }

    @Override
    public String toString() {
        return text;
    }
}
