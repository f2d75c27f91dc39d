package io.gearworker.camel.gearman.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * Polls gearmand's {@code status} for one function on one or more servers at a fixed period and records how many
 * of its jobs gearmand saw running (assigned to a worker) in each sample, summed over the servers.
 */
public final class StatusSampler implements AutoCloseable {

    private final String function;
    private final List<ServerAddress> servers;
    private final List<Integer> samples = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-sampler");
        t.setDaemon(true);
        return t;
    });

    private StatusSampler(String function, List<ServerAddress> servers, long periodMillis) {
        this.function = function;
        this.servers = servers;
        timer.scheduleAtFixedRate(this::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    public static StatusSampler start(String function, long periodMillis, ServerAddress... servers) {
        return new StatusSampler(function, List.of(servers), periodMillis);
    }

    private void sample() {
        try {
            int running = 0;
            for (ServerAddress s : servers) {
                running += Gearman.status(s, function).running();
            }
            samples.add(running);
        } catch (RuntimeException e) {
            errors.add(e);
        }
    }

    /** Stops sampling; returns the running counts seen, in order. Fails if a poll failed. */
    public List<Integer> stop() throws InterruptedException {
        timer.shutdown();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("status sampler did not stop");
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("status poll failed", errors.get(0));
        }
        return new ArrayList<>(samples);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
