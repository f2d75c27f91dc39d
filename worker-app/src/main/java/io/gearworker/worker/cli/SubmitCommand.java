package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobPriority;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.protocol.Liveness;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@Command(name = "submit", mixinStandardHelpOptions = true,
         description = "Submit jobs. One job prints its result (or, in the background, its handle) on stdout; "
                       + "--count N > 1 is a load generator: N jobs, C in flight at once, then a summary with jobs/s "
                       + "and latency percentiles.")
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServersOption servers;

    @Option(names = { "-f", "--function" }, required = true, paramLabel = "FUNCTION", description = "Job function.")
    String function;

    @Option(names = "--background", description = "Submit as background jobs (do not wait for results).")
    boolean background;

    @Option(names = "--priority", defaultValue = "normal", paramLabel = "low|normal|high",
            description = "Job priority (default: ${DEFAULT-VALUE}).")
    String priority;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Jobs to submit (default: 1).")
    int count;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "C",
            description = "Jobs in flight at once when --count > 1 (default: 1).")
    int concurrency;

    @Option(names = "--unique-id", paramLabel = "ID",
            description = "Unique id; with --count > 1 it is a prefix and each job gets ID-<n>.")
    String uniqueId;

    @Option(names = "--timeout", defaultValue = "0", converter = Durations.class, paramLabel = "DURATION",
            description = "Give up waiting for a result after this long (0 = never; default).")
    Duration timeout;

    @Option(names = "--resubmit-unanswered",
            description = "A submission whose JOB_CREATED never came (its server went silent) is submitted again to "
                          + "the next server: at-least-once, the job may run twice. Default: it fails.")
    boolean resubmitUnanswered;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PAYLOAD",
                description = "The workload (UTF-8); '-' reads it from stdin; none = empty.")
    String payload;

    @Override
    public Integer call() throws IOException {
        JobPriority jobPriority;
        try {
            jobPriority = JobPriority.parse(priority);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--priority: " + e.getMessage());
        }
        if (count < 1 || concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--count and --concurrency must be >= 1");
        }
        List<ServerAddress> addresses = servers.addresses();
        byte[] workload = "-".equals(payload) ? System.in.readAllBytes()
                : payload == null ? new byte[0] : payload.getBytes(StandardCharsets.UTF_8);
        ExecutorService readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gearman-client-reader");
            t.setDaemon(true);
            return t;
        });
        Duration answerTimeout = Duration.ofSeconds(3);
        try (GearmanClient client = new GearmanClient(addresses, new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                new Liveness(answerTimeout, answerTimeout, Duration.ofSeconds(10)), readers, null,
                resubmitUnanswered)) {
            return count == 1
                    ? one(client, new JobRequest(function, workload, uniqueId, jobPriority, background))
                    : many(client, workload, jobPriority);
        }
    }

    private Mono<JobResult> submit(GearmanClient client, JobRequest job) {
        Mono<JobResult> m = Mono.fromFuture(() -> client.submit(job));
        return timeout.isZero() ? m : m.timeout(timeout);
    }

    private int one(GearmanClient client, JobRequest job) {
        PrintStream out = System.out;
        try {
            JobResult r = submit(client, job).block();
            if (background) {
                out.println(r.handle());
            } else {
                out.write(r.data(), 0, r.data().length);
                out.println();
            }
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("job failed: " + rootMessage(e));
            return 1;
        }
    }

    private int many(GearmanClient client, byte[] workload, JobPriority jobPriority) {
        long[] latencies = new long[count];
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        Flux.range(0, count)
                .flatMap(i -> {
                    String id = uniqueId == null ? null : uniqueId + "-" + i;
                    JobRequest job = new JobRequest(function, workload, id, jobPriority, background);
                    long t0 = System.nanoTime();
                    return submit(client, job)
                            .doOnNext(r -> latencies[completed.getAndIncrement()] = System.nanoTime() - t0)
                            .onErrorResume(e -> {
                                if (failed.incrementAndGet() <= 5) {
                                    System.err.println("job failed: " + rootMessage(e));
                                }
                                return Mono.empty();
                            });
                }, concurrency)
                .blockLast();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] done = Arrays.copyOf(latencies, completed.get());
        Arrays.sort(done);
        PrintStream out = System.out;
        out.printf("submitted: %d%n", count);
        out.printf("completed: %d%n", done.length);
        out.printf("failed: %d%n", failed.get());
        out.printf("elapsed: %.3f s%n", seconds);
        out.printf("rate: %.1f jobs/s%n", done.length / seconds);
        out.printf("latency ms: p50=%.3f p90=%.3f p99=%.3f max=%.3f%n", percentile(done, 50), percentile(done, 90),
                percentile(done, 99), percentile(done, 100));
        return failed.get() == 0 ? 0 : 1;
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
