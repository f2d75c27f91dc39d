package io.gearworker.worker.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends control commands to workers' control functions, on a server where each is registered, as foreground jobs,
 * and returns the answers. Foreground, not background: an unanswered command leaves with its client instead of
 * waiting in gearmand for the next process that registers the same id. Every command waits at most the timeout.
 */
public final class ControlClient implements AutoCloseable {

    /** A worker's answer to a command, or why there is none. */
    public record Reply(Worker worker, String answer, Throwable error) {

        public boolean ok() {
            return error == null;
        }
    }

    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "control-client-reader");
        t.setDaemon(true);
        return t;
    });
    private final Map<ServerAddress, GearmanClient> clients = new ConcurrentHashMap<>();
    private final String secret;
    private final Duration timeout;

    /** @param timeout how long a command waits for its answer */
    public ControlClient(String secret, Duration timeout) {
        this.secret = secret;
        this.timeout = timeout;
    }

    /** The worker's answer to {@code command} (with the secret appended when one is set). */
    public Mono<String> send(Worker worker, String command) {
        ServerAddress server = ServerAddress.parse(worker.servers().iterator().next());
        GearmanClient client = clients.computeIfAbsent(server, s -> new GearmanClient(List.of(s),
                new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE), Duration.ofSeconds(3), readers));
        String workload = secret == null || secret.isEmpty() ? command : command + " " + secret;
        return Mono.fromFuture(() -> client.submit(JobRequest.foreground(worker.controlFunction().name(),
                        workload.getBytes(StandardCharsets.UTF_8))))
                .timeout(timeout)
                .map(r -> new String(r.data(), StandardCharsets.UTF_8));
    }

    /**
     * Sends the command to every worker at once and waits for all replies (each at most the timeout); the replies
     * come in the order of the workers given.
     */
    public List<Reply> broadcast(Collection<Worker> workers, String command) {
        return Flux.fromIterable(workers)
                .flatMapSequential(w -> send(w, command)
                        .map(answer -> new Reply(w, answer, null))
                        .onErrorResume(e -> Mono.just(new Reply(w, null, e))))
                .collectList()
                .block();
    }

    @Override
    public void close() {
        clients.values().forEach(GearmanClient::close);
        readers.shutdownNow();
    }
}
