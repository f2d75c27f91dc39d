package io.gearworker.camel.gearman.protocol;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits jobs to one or more gearmand servers (round robin; a server that cannot be reached is skipped). Each
 * server has one multiplexed connection, opened on first use and again after it was lost. Thread-safe.
 */
public final class GearmanClient implements AutoCloseable {

    private final List<ServerAddress> servers;
    private final PacketCodec codec;
    private final Duration connectTimeout;
    private final Executor readers;
    private final ClientConnection[] connections;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param readers runs one blocking reader loop per open connection (a cached pool of daemon threads fits)
     */
    public GearmanClient(List<ServerAddress> servers, PacketCodec codec, Duration connectTimeout, Executor readers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server is needed");
        }
        this.servers = List.copyOf(servers);
        this.codec = codec;
        this.connectTimeout = connectTimeout;
        this.readers = readers;
        this.connections = new ClientConnection[servers.size()];
    }

    /**
     * Submits the job. Foreground: completes with WORK_COMPLETE's data, or fails with
     * {@link GearmanJobFailedException}. Background: completes with the handle as soon as gearmand queued it.
     * Completing it early (e.g. {@code orTimeout}) only stops waiting; the job itself stays with gearmand.
     */
    public CompletableFuture<JobResult> submit(JobRequest job) {
        CompletableFuture<JobResult> result = new CompletableFuture<>();
        try {
            connection().submit(job, result);
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Returns when a connection to one of the servers is open, opening one if none is.
     *
     * @throws IOException when no server can be reached, naming them and the last error
     */
    public void ensureConnected() throws IOException {
        synchronized (this) {
            for (ClientConnection c : connections) {
                if (c != null && c.isOpen()) {
                    return;
                }
            }
        }
        connection();
    }

    private ClientConnection connection() throws IOException {
        if (closed) {
            throw new IOException("client is closed");
        }
        int start = Math.floorMod(next.getAndIncrement(), servers.size());
        IOException last = null;
        for (int i = 0; i < servers.size(); i++) {
            int index = (start + i) % servers.size();
            try {
                return connectionTo(index);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no gearmand reachable at " + servers + ": " + last.getMessage(), last);
    }

    private synchronized ClientConnection connectionTo(int index) throws IOException {
        ClientConnection c = connections[index];
        if (c == null || !c.isOpen()) {
            ServerAddress server = servers.get(index);
            try {
                c = ClientConnection.open(server, codec, connectTimeout, readers);
            } catch (IOException e) {
                throw new IOException("cannot connect to gearmand " + server + ": " + e.getMessage(), e);
            }
            connections[index] = c;
        }
        return c;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < connections.length; i++) {
            if (connections[i] != null) {
                connections[i].close();
                connections[i] = null;
            }
        }
    }
}
