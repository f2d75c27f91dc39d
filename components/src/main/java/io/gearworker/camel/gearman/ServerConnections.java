package io.gearworker.camel.gearman;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * Counts a consumer's registered connections per server, its reconnects and the last connection error, for health
 * checks, metrics and JMX. Updated by the connection loops on connect and disconnect only, never per job. A
 * connection whose server fell silent (a heartbeat or an answer overdue) is closed by the consumer's watchdog and
 * counted out here as soon as its loop sees the close, so this state is true within the liveness bound.
 */
final class ServerConnections {

    private final Map<ServerAddress, Entry> servers = new LinkedHashMap<>();
    private final int connectionsPerServer;

    ServerConnections(List<ServerAddress> servers, int connectionsPerServer) {
        servers.forEach(s -> this.servers.put(s, new Entry()));
        this.connectionsPerServer = connectionsPerServer;
    }

    /** A connection to {@code server} is registered. */
    synchronized void connected(ServerAddress server) {
        servers.get(server).connected++;
    }

    /** A registered connection to {@code server} closed ({@code cause} null when the consumer closed it). */
    synchronized void disconnected(ServerAddress server, Throwable cause) {
        Entry e = servers.get(server);
        e.connected--;
        if (cause != null) {
            failed(e, cause);
        }
    }

    /** An attempt to connect to {@code server} failed; the loop will try again. */
    synchronized void attemptFailed(ServerAddress server, Throwable cause) {
        failed(servers.get(server), cause);
    }

    /** The loop is about to connect again after a failure. */
    synchronized void reconnecting(ServerAddress server) {
        servers.get(server).reconnects++;
    }

    synchronized List<ServerStatus> snapshot() {
        return servers.entrySet().stream()
                .map(s -> new ServerStatus(s.getKey(), s.getValue().connected, connectionsPerServer,
                        s.getValue().reconnects, s.getValue().lastError, s.getValue().lastErrorTime))
                .toList();
    }

    private static void failed(Entry e, Throwable cause) {
        e.lastError = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        e.lastErrorTime = Instant.now();
    }

    private static final class Entry {
        int connected;
        long reconnects;
        String lastError;
        Instant lastErrorTime;
    }
}
