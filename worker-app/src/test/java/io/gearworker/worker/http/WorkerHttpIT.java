package io.gearworker.worker.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.WorkerEvent;
import io.gearworker.worker.WorkerProcessHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP endpoint of a real worker process ({@code run --http-port 0}) against a real gearmand: the bound address
 * in the {@code ready} event, {@code /metrics} counting jobs per function (control jobs not), and
 * {@code /health/ready} following the worker's state: running, quiet, running again, draining.
 */
class WorkerHttpIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    /** What one GET answered. */
    record Response(int status, String contentType, String body) {
    }

    @Test
    void metricsCountEveryJobOfAFunctionButNotControlJobs() throws Exception {
        try (WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--http-port", "0", "--concurrency", "4", "--max-jobs", "1000", "--max-lifetime", "1h")
                .start()) {
            String http = httpAddress(w);
            assertThat(http).as("bound on the default host").startsWith("127.0.0.1:").doesNotEndWith(":0");

            List<CompletableFuture<JobResult>> jobs = new ArrayList<>();
            try (GearmanClient client = Gearman.client(GEARMAND.address())) {
                for (int i = 0; i < 100; i++) {
                    jobs.add(client.submit(JobRequest.foreground("reverse",
                            ("job-" + i).getBytes(StandardCharsets.UTF_8))));
                }
                CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(),
                        TimeUnit.SECONDS);
            }
            assertThat(Gearman.call(GEARMAND.address(), "_worker_" + w.workerId(), "status", LIMIT))
                    .contains("\"state\":\"running\"");

            await().atMost(LIMIT).untilAsserted(() -> assertThat(
                    sample(get(http, "/metrics").body(), "gearman_jobs_completed_total{function=\"reverse\"}"))
                    .isEqualTo(100.0));
            Response metrics = get(http, "/metrics");
            String text = metrics.body();
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).startsWith("text/plain; version=0.0.4");
            assertThat(sample(text, "gearman_jobs_started_total{function=\"reverse\"}")).isEqualTo(100.0);
            assertThat(sample(text, "gearman_jobs_failed_total{function=\"reverse\"}")).isZero();
            assertThat(sample(text, "gearman_jobs_handed_back_total{function=\"reverse\"}")).isZero();
            assertThat(sample(text, "gearman_jobs_completed_total{function=\"sleep\"}")).isZero();
            assertThat(sample(text, "gearman_jobs_in_flight{function=\"reverse\"}")).isZero();
            assertThat(sample(text, "gearman_job_slots{function=\"reverse\"}")).isEqualTo(4.0);
            assertThat(sample(text, "gearman_job_duration_seconds_count{function=\"reverse\"}")).isEqualTo(100.0);
            assertThat(sample(text, "gearman_job_duration_seconds_bucket{function=\"reverse\",le=\"+Inf\"}"))
                    .isEqualTo(100.0);
            assertThat(sample(text, "gearman_server_connected{server=\"" + GEARMAND.servers() + "\"}"))
                    .isEqualTo(1.0);
            assertThat(sample(text, "gearman_reconnects_total{server=\"" + GEARMAND.servers() + "\"}")).isZero();
            assertThat(sample(text, "gearman_worker_state{state=\"running\"}")).isEqualTo(1.0);
            assertThat(sample(text, "gearman_worker_state{state=\"quiet\"}")).isZero();
            assertThat(sample(text, "gearman_worker_state{state=\"stopping\"}")).isZero();
            assertThat(sample(text, "gearman_worker_limit_jobs_left")).isEqualTo(900.0);
            assertThat(sample(text, "gearman_worker_limit_lifetime_left_seconds")).isBetween(3000.0, 3600.0);
            assertThat(text).as("control jobs are not work").doesNotContain("function=\"_worker_");
            for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads",
                    "process_cpu_usage", "process_uptime_seconds", "jvm_classes_loaded_classes")) {
                assertThat(text).as(jvm).contains("\n" + jvm);
            }
        }
    }

    @Test
    void readinessFollowsQuietResumeAndTheDrain() throws Exception {
        try (WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--http-port", "0", "--shutdown-timeout", "20s").start()) {
            String http = httpAddress(w);
            String control = "_worker_" + w.workerId();
            awaitReady(http, 200, "ready");
            assertThat(get(http, "/health/live").status()).isEqualTo(200);

            assertThat(Gearman.call(GEARMAND.address(), control, "quiet", LIMIT)).isEqualTo("quiet " + w.workerId());
            Response quiet = awaitReady(http, 503, "quiet");
            assertThat(quiet.body()).contains("\"status\":\"DOWN\"", "\"state\":\"quiet\"");
            assertThat(quiet.contentType()).isEqualTo("application/json");
            assertThat(get(http, "/health/live").status()).as("a quiet worker is alive").isEqualTo(200);
            assertThat(sample(get(http, "/metrics").body(), "gearman_worker_state{state=\"quiet\"}"))
                    .isEqualTo(1.0);

            assertThat(Gearman.call(GEARMAND.address(), control, "resume", LIMIT))
                    .isEqualTo("resumed " + w.workerId());
            awaitReady(http, 200, "ready");

            try (GearmanClient client = Gearman.client(GEARMAND.address())) {
                CompletableFuture<JobResult> job = client.submit(JobRequest.foreground("sleep",
                        "3000".getBytes(StandardCharsets.UTF_8)));
                w.awaitEvent(JOB_STARTED, LIMIT);
                w.signal("TERM");
                w.awaitEvent(STOPPING, LIMIT);

                Response draining = get(http, "/health/ready");
                assertThat(job).as("still draining when asked").isNotDone();
                assertThat(draining.status()).as(draining.body()).isEqualTo(503);
                assertThat(draining.body()).contains("stopping (sigterm)", "\"state\":\"stopping\"");
                assertThat(get(http, "/health/live").status()).as("a draining worker is alive").isEqualTo(200);
                assertThat(sample(get(http, "/metrics").body(), "gearman_jobs_in_flight{function=\"sleep\"}"))
                        .isEqualTo(1.0);

                assertThat(new String(job.get(LIMIT.toSeconds(), TimeUnit.SECONDS).data(),
                        StandardCharsets.UTF_8)).isEqualTo("slept 3000 ms");
            }
            assertThat(w.awaitExit(LIMIT)).isZero();
            assertThat(reachable(http)).as("the endpoint closes with the process").isFalse();
        }
    }

    @Test
    void notReadyWithoutAGearmandConnection() throws Exception {
        int nobody = freePort();
        try (WorkerProcessHandle w = WorkerProcessHandle.builder("127.0.0.1:" + nobody)
                .args("--http-port", "0").start()) {
            String http = httpAddress(w);
            Response ready = awaitReady(http, 503, "no gearmand connection registered");
            assertThat(ready.body()).contains("\"127.0.0.1:" + nobody + "\":\"not connected\"");
            assertThat(get(http, "/health/live").status()).isEqualTo(200);
            String metrics = get(http, "/metrics").body();
            assertThat(sample(metrics, "gearman_server_connected{server=\"127.0.0.1:" + nobody + "\"}")).isZero();
            await().atMost(LIMIT).untilAsserted(() -> assertThat(sample(get(http, "/metrics").body(),
                    "gearman_reconnects_total{server=\"127.0.0.1:" + nobody + "\"}")).isPositive());
        }
    }

    @Test
    void aPortInUseFailsStartUpNamingTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers())
                     .args("--http-port", Integer.toString(taken.getLocalPort())).start()) {
            assertThat(w.awaitExit(LIMIT)).as(w.diagnostics()).isEqualTo(2);
            assertThat(w.stderr()).contains("--http-port " + taken.getLocalPort());
            assertThat(w.events(READY)).isEmpty();
        }
    }

    @Test
    void offByDefault() {
        try (WorkerProcessHandle w = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            WorkerEvent ready = w.awaitEvent(READY, LIMIT);
            assertThat(ready.fields()).doesNotContainKey("http");
            assertThat(w.stderr()).doesNotContain("HTTP endpoint");
        }
    }

    private static String httpAddress(WorkerProcessHandle w) {
        WorkerEvent ready = w.awaitEvent(READY, LIMIT);
        Object http = ready.field("http");
        assertThat(http).as("the ready event names the bound address: " + ready).isInstanceOf(String.class);
        return (String) http;
    }

    private static Response awaitReady(String http, int status, String reason) {
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Response r = get(http, "/health/ready");
            assertThat(r.status()).as(r.body()).isEqualTo(status);
            assertThat(r.body()).contains(reason);
        });
        return get(http, "/health/ready");
    }

    static Response get(String http, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + http + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new AssertionError("GET http://" + http + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean reachable(String http) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://" + http + "/health/live"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of one sample line ({@code name{labels} value}) of a Prometheus text exposition. */
    static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no sample " + series + " in:\n" + exposition);
        }
        return Double.parseDouble(m.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
