package io.gearworker.worker.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.GearmanJobFailedException;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends control commands to workers' control functions, on a server where each is registered, as foreground jobs,
 * and returns the answers. With a secret, each command carries a fresh proof of it ({@link ControlProof}), never the
 * secret, and only an answer signed for that very command is returned; anything else (an unsigned or forged answer,
 * a failure whose text anyone registering the function could have written) becomes an error that quotes none of it. Foreground, not background: an unanswered command leaves with its client instead of
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
    private final ControlProof proof;
    private final Duration timeout;

    /**
     * @param secret  the normalised control secret ({@link ControlSecret#normalise}), {@code null} for none
     * @param timeout how long a command waits for its answer
     */
    public ControlClient(String secret, Duration timeout) {
        this.proof = secret == null ? null : new ControlProof(secret);
        this.timeout = timeout;
    }

    /** The worker's answer to {@code command}: with a secret, the body of its verified answer. */
    public Mono<String> send(Worker worker, String command) {
        ServerAddress server = ServerAddress.parse(worker.servers().iterator().next());
        GearmanClient client = clients.computeIfAbsent(server, s -> new GearmanClient(List.of(s),
                new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE), Duration.ofSeconds(3), readers));
        if (proof == null) {
            return submit(client, worker, command).map(r -> new String(r.data(), StandardCharsets.UTF_8));
        }
        String nonce = ControlProof.newNonce();
        String workload = proof.request(command, worker.id(), Instant.now().getEpochSecond(), nonce);
        return submit(client, worker, workload)
                .onErrorMap(GearmanJobFailedException.class, e -> new IOException(
                        "refused or failed (the worker's log says why)"))
                .flatMap(r -> Mono.fromCallable(() -> proof.verifiedBody(worker.id(), command, nonce,
                        new String(r.data(), StandardCharsets.UTF_8))));
    }

    private Mono<JobResult> submit(GearmanClient client, Worker worker, String workload) {
        return Mono.fromFuture(() -> client.submit(JobRequest.foreground(worker.controlFunction().name(),
                        workload.getBytes(StandardCharsets.UTF_8))))
                .timeout(timeout);
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
