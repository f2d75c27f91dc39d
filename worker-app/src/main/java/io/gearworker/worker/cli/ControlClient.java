package io.gearworker.worker.cli;

import io.gearworker.worker.runtime.WorkerControl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import reactor.core.publisher.Mono;

/**
 * Sends control commands to a worker's {@code _worker_<id>} function, on a server where that worker is
 * registered, as foreground jobs, and returns the answers. Foreground, not background: an unanswered command leaves
 * with its client instead of waiting in gearmand for the next process that registers the same id.
 */
public final class ControlClient implements AutoCloseable {

    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "control-client-reader");
        t.setDaemon(true);
        return t;
    });
    private final Map<ServerAddress, GearmanClient> clients = new ConcurrentHashMap<>();
    private final String secret;
    private final Duration timeout;

    public ControlClient(String secret, Duration timeout) {
        this.secret = secret;
        this.timeout = timeout;
    }

    /** The worker's answer to {@code command} (with the secret appended when one is set). */
    public Mono<String> send(WorkersCommand.Worker worker, String command) {
        ServerAddress server = ServerAddress.parse(worker.servers().iterator().next());
        GearmanClient client = clients.computeIfAbsent(server, s -> new GearmanClient(List.of(s),
                new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE), Duration.ofSeconds(3), readers));
        String workload = secret == null || secret.isEmpty() ? command : command + " " + secret;
        return Mono.fromFuture(() -> client.submit(JobRequest.foreground(WorkerControl.functionFor(worker.id()),
                        workload.getBytes(StandardCharsets.UTF_8))))
                .timeout(timeout)
                .map(r -> new String(r.data(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        clients.values().forEach(GearmanClient::close);
        readers.shutdownNow();
    }
}
