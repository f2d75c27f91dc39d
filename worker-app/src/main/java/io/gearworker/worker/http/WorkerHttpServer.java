package io.gearworker.worker.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.camel.gearman.GearmanJobListener;
import io.gearworker.worker.runtime.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP endpoint ({@code run --http-port}): {@code GET /metrics} (Prometheus text), {@code GET
 * /health/live} and {@code GET /health/ready} (200 or 503, JSON). The JDK's HTTP server (no server library to load)
 * with its request-time, idle and connection limits set ({@link HttpServerLimits}) and a {@link RequestExecutor}
 * (slow readers evicted for new requests, at most {@value #MAX_REQUESTS} threads); two requests are answered at
 * once, the others wait their turn on their own threads, so neither a flood of scrapes nor a crowd of slow clients
 * takes the jobs' CPU or silences the probes. Nothing of the
 * stop path calls into it; the worker closes it after the drain.
 */
public final class WorkerHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerHttpServer.class);
    private static final int BUSY_REQUESTS = 2;
    private static final int MAX_REQUESTS = 16;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";

    private final HttpServer server;
    private final RequestExecutor executor;
    private final CompletableFuture<WorkerMetrics> metrics;
    private final GearmanJobListener jobListener;
    private final Heartbeat heartbeat;
    private final String address;
    private final Semaphore working = new Semaphore(BUSY_REQUESTS, true); // scrapes must not take the jobs' CPU

    private WorkerHttpServer(HttpServer server, RequestExecutor executor, CompletableFuture<WorkerMetrics> metrics,
                             Heartbeat heartbeat, String address) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.jobListener = new JobListenerOf(metrics);
        this.heartbeat = heartbeat;
        this.address = address;
    }

    /**
     * Binds {@code host:port} (port 0 = any free port) and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, not local, unknown host)
     */
    public static WorkerHttpServer start(WorkerState worker, String host, int port) throws IOException {
        HttpServerLimits.apply();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        RequestExecutor executor = new RequestExecutor("worker-http", MAX_REQUESTS);
        server.setExecutor(executor);
        Heartbeat heartbeat = new Heartbeat();
        // the registry and the JVM binders take ~150 ms to load: built beside Camel's start, not before it
        CompletableFuture<WorkerMetrics> metrics = new CompletableFuture<>();
        Thread init = new Thread(() -> {
            try {
                metrics.complete(new WorkerMetrics(worker));
            } catch (Throwable e) {
                LOG.error("Metrics unavailable: {}; jobs are not counted, /metrics answers 500", e.getMessage(), e);
                metrics.completeExceptionally(e);
            }
        }, "worker-http-metrics-init");
        init.setDaemon(true);
        init.start();
        WorkerHealth health = new WorkerHealth(worker, heartbeat);
        String bound = host + ":" + server.getAddress().getPort();
        WorkerHttpServer http = new WorkerHttpServer(server, executor, metrics, heartbeat, bound);
        server.createContext("/metrics", RequestExecutor.handler(exchange -> http.serve(exchange, "/metrics",
                () -> new Reply(200, PROMETHEUS_TEXT, metrics.join().scrape()))));
        server.createContext("/health/live", RequestExecutor.handler(exchange -> http.serve(exchange, "/health/live",
                () -> health(health.live()))));
        server.createContext("/health/ready", RequestExecutor.handler(exchange -> http.serve(exchange,
                "/health/ready", () -> health(health.ready()))));
        server.createContext("/", RequestExecutor.handler(exchange -> http.serve(exchange, null, null)));
        server.start();
        LOG.info("HTTP endpoint on http://{} (/metrics, /health/live, /health/ready)", bound);
        return http;
    }

    /** Counts the jobs for {@code /metrics}: register it with the gearman component before the routes start. */
    public GearmanJobListener jobListener() {
        return jobListener;
    }

    /** The bound {@code host:port}. */
    public String address() {
        return address;
    }

    /** Stops serving at once (a request being answered is cut off) and releases the threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        heartbeat.close();
        metrics.thenAccept(WorkerMetrics::close);
        LOG.debug("HTTP endpoint {} closed", address);
    }

    /**
     * Hands each job event to the metrics once they are built; the rare job that starts before that waits for them
     * (the build runs while Camel starts, which takes longer). If they could not be built, jobs go on uncounted: a
     * listener never throws into the consumer.
     */
    private record JobListenerOf(CompletableFuture<WorkerMetrics> metrics) implements GearmanJobListener {

        @Override
        public void jobStarted(GearmanJob job) {
            JobMetrics jobs = jobs();
            if (jobs != null) {
                jobs.jobStarted(job);
            }
        }

        @Override
        public void jobCompleted(GearmanJob job) {
            JobMetrics jobs = jobs();
            if (jobs != null) {
                jobs.jobCompleted(job);
            }
        }

        @Override
        public void jobFailed(GearmanJob job, Throwable cause) {
            JobMetrics jobs = jobs();
            if (jobs != null) {
                jobs.jobFailed(job, cause);
            }
        }

        @Override
        public void jobHandedBack(GearmanJob job, String reason) {
            JobMetrics jobs = jobs();
            if (jobs != null) {
                jobs.jobHandedBack(job, reason);
            }
        }

        private JobMetrics jobs() {
            try {
                return metrics.join().jobListener();
            } catch (CompletionException | CancellationException e) {
                return null; // logged once when the build failed
            }
        }
    }

    private record Reply(int status, String contentType, String body) {
    }

    private static Reply health(WorkerHealth.Answer answer) {
        return new Reply(answer.httpStatus(), JSON, answer.json());
    }

    private void serve(HttpExchange exchange, String path, Supplier<Reply> handler) throws IOException {
        try (exchange) {
            Reply reply;
            String method = exchange.getRequestMethod();
            if (path == null || !path.equals(exchange.getRequestURI().getPath())) {
                reply = new Reply(404, "text/plain; charset=utf-8",
                        "not found; try /metrics, /health/live, /health/ready\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply = new Reply(405, "text/plain; charset=utf-8", "method not allowed: " + method + "\n");
            } else {
                working.acquireUninterruptibly();
                try {
                    reply = handler.get();
                } catch (RuntimeException e) {
                    LOG.warn("HTTP {} failed: {}", path, e.getMessage(), e);
                    reply = new Reply(500, "text/plain; charset=utf-8", "internal error: " + e.getMessage() + "\n");
                } finally {
                    working.release();
                }
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
