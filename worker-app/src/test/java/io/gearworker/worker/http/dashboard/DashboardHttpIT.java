package io.gearworker.worker.http.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.DashboardProcess;
import io.gearworker.worker.SignedControl;
import io.gearworker.worker.WorkerProcessHandle;
import io.gearworker.worker.fleet.Wire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard over plain HTTP against a real gearmand, two of our workers (with a control secret) and a PHP
 * worker (a control function that answers only
 * 'terminate'): {@code GET /api/fleet} as documented, {@code GET /metrics} for queue depth, and
 * who may run an action: POST only, off without {@code --allow-actions}, JSON only, the control secret required.
 */
class DashboardHttpIT {

    /** The job functions a worker named in its ready event, sorted as the dashboard lists them. */
    private static List<String> readyFunctions(WorkerProcessHandle worker) {
        String functions = (String) worker.awaitEvent(READY, LIMIT).field("functions");
        return Arrays.stream(functions.split(",")).sorted().toList();
    }

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String SECRET = "dash-s3cret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    private static WorkerProcessHandle a;
    private static WorkerProcessHandle b;
    private static ExternalProcess php;
    private static String phpId;

    @BeforeAll
    static void startWorkers() {
        a = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId("dash-a"))
                .env("GEARMAN_CONTROL_SECRET", SECRET).args("--concurrency", "2", "--max-jobs", "1000").start();
        b = WorkerProcessHandle.builder(GEARMAND.servers()).workerId(WorkerProcessHandle.uniqueWorkerId("dash-b"))
                .env("GEARMAN_CONTROL_SECRET", SECRET).start();
        phpId = WorkerProcessHandle.uniqueWorkerId("dash-php");
        php = ExternalProcess.start("php", Path.of("..", "setup", "bench", "php-worker.php").toString(), "--servers",
                GEARMAND.servers(), "--worker-id", phpId);
        a.awaitEvent(READY, LIMIT);
        b.awaitEvent(READY, LIMIT);
        await().atMost(LIMIT).until(() -> Gearman.workersOf(GEARMAND.address(), "reverse").contains(phpId));
    }

    @AfterAll
    static void stopWorkers() {
        for (AutoCloseable c : new AutoCloseable[] { a, b, php }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing the next one matters more
            }
        }
    }

    @Test
    void fleetJsonListsEveryWorkerEachFunctionAndWhatTheEventLogsSay() throws Exception {
        try (DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers(), "--control-secret",
                SECRET, "--log", a.eventLog().toString(), b.eventLog().toString())) {
            for (String word : List.of("one", "two", "three", "four")) {
                Gearman.call(GEARMAND.address(), "reverse", word, LIMIT);
            }
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, Object> f = fleet(dashboard);
                // our workers' jobs (some go to the PHP worker) all started and ended in the logs
                long started = ((Number) events(f).get("started")).longValue();
                // and gearmand's status in that snapshot was read after the last job ended: a refresh reads the
                // status before the logs, so a snapshot may show a job ended in the log and still running
                boolean reverseIdle = list(f.get("functions")).stream().map(DashboardHttpIT::map)
                        .anyMatch(q -> "reverse".equals(q.get("function"))
                                       && ((Number) q.get("running")).longValue() == 0);
                return workers(f).size() == 3 && started == jobsStartedByOurWorkers()
                       && ((Number) events(f).get("ended")).longValue() == started && reverseIdle;
            });

            Map<String, Object> fleet = fleet(dashboard);
            assertThat(fleet.keySet()).containsExactly("time", "servers", "functions", "workers", "events", "actions");
            assertThat(list(fleet.get("servers"))).hasSize(1);
            assertThat(map(list(fleet.get("servers")).get(0))).containsEntry("server", GEARMAND.servers())
                    .containsEntry("reachable", true).containsEntry("error", null);

            Map<String, Object> workerA = worker(fleet, a.workerId());
            assertThat(workerA).containsEntry("state", "running").containsEntry("pid", a.pid())
                    .containsEntry("slots", 2L).containsEntry("control", true).containsEntry("host", "127.0.0.1")
                    .containsEntry("status_error", null)
                    .containsEntry("servers", List.of(GEARMAND.servers()))
                    .containsEntry("functions", readyFunctions(a))
                    .containsKeys("uptime_s", "jobs_done", "in_flight", "limits");
            assertThat(map(workerA.get("limits"))).containsEntry("max_jobs", 1000L);
            assertThat(worker(fleet, b.workerId())).containsEntry("state", "running").containsEntry("pid", b.pid())
                    .containsEntry("slots", 1L);
            // the PHP worker's control function knows only 'terminate' (it answers 'ok' to anything, unsigned): it
            // is listed from gearmand's 'workers' all the same, its state unknown, its answer not shown
            assertThat(worker(fleet, phpId)).containsEntry("control", true).containsEntry("state", "unknown")
                    .containsEntry("pid", null)
                    .containsEntry("status_error", "status failed: the answer is not signed with the control secret")
                    .containsEntry("functions", List.of("reverse", "sleep"));

            Map<String, Object> reverse = function(fleet, "reverse");
            assertThat(reverse).containsEntry("server", GEARMAND.servers()).containsEntry("queued", 0L)
                    .containsEntry("running", 0L).containsEntry("workers", 3L).containsEntry("no_worker", false);
            assertThat(((Number) reverse.get("connections")).longValue()).as("a: 2 slots, b: 1, php: 1")
                    .isEqualTo(4L);
            assertThat(list(fleet.get("functions"))).extracting(f -> map(f).get("function"))
                    .as("control functions are not jobs' functions").noneMatch(f -> f.toString().startsWith("_worker_"));

            Map<String, Object> events = events(fleet);
            assertThat(events.get("logs")).isEqualTo(List.of(a.eventLog().toString(), b.eventLog().toString()));
            assertThat(events).containsEntry("window_s", 900L).containsEntry("lost", 0L).containsEntry("run_twice", 0L).containsEntry("failed", 0L);
            Map<String, Object> throughput = map(events.get("throughput"));
            assertThat(throughput).containsEntry("bucket_s", 10L);
            assertThat(list(throughput.get("jobs_per_s"))).hasSize(30);
            assertThat(list(throughput.get("jobs_per_s")).stream().mapToDouble(r -> ((Number) r).doubleValue()).sum()
                       * 10).as("jobs finished in the window")
                    .isCloseTo(((Number) events.get("ended")).doubleValue(), within(0.5));

            assertThat(map(fleet.get("actions"))).containsEntry("enabled", false)
                    .containsEntry("secret_required", true);
        }
    }

    @Test
    void metricsShowQueueDepthPerFunctionAFunctionNobodyServesIsFlaggedAndAServerDownIsShown() throws Exception {
        String nobody = Gearman.uniqueFunction("nobody");
        String unreachable = "127.0.0.1:" + closedPort();
        try (GearmanClient client = Gearman.client(GEARMAND.address());
             DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers() + "," + unreachable,
                     "--control-secret", SECRET)) {
            for (int i = 0; i < 3; i++) {
                client.submit(JobRequest.background(nobody, "x".getBytes(StandardCharsets.UTF_8)))
                        .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
            }
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(dashboard.url("metrics")).body().contains(
                            "gearman_queue_jobs{function=\"" + nobody + "\",state=\"queued\"} 3.0\n"));

            HttpResponse<String> metrics = get(dashboard.url("metrics"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(QueueMetrics.CONTENT_TYPE);
            assertThat(metrics.body()).contains(
                    "# TYPE gearman_queue_jobs gauge\n",
                    "gearman_queue_jobs{function=\"" + nobody + "\",state=\"running\"} 0.0\n",
                    "gearman_queue_workers{function=\"" + nobody + "\"} 0.0\n",
                    "gearman_queue_workers{function=\"reverse\"} 3.0\n",
                    "gearman_queue_jobs{function=\"reverse\",state=\"queued\"} 0.0\n",
                    "gearman_queue_server_up{server=\"" + GEARMAND.servers() + "\"} 1.0\n");
            assertThat(metrics.body()).doesNotContain("_worker_")
                    .contains("gearman_queue_server_up{server=\"" + unreachable + "\"} 0.0\n");
            Map<String, Object> down = map(list(fleet(dashboard).get("servers")).get(1));
            assertThat(down).containsEntry("server", unreachable).containsEntry("reachable", false);
            assertThat((String) down.get("error")).contains("cannot reach gearmand " + unreachable);
            assertThat(function(fleet(dashboard), nobody)).containsEntry("queued", 3L).containsEntry("workers", 0L)
                    .containsEntry("no_worker", true);
        }
    }

    @Test
    void actionsArePostOnlyOffByDefaultJsonOnlyAndNeedTheSecret() throws Exception {
        String quietA = "{\"action\":\"quiet\",\"worker\":\"" + a.workerId() + "\"}";
        try (DashboardProcess off = DashboardProcess.start("--servers", GEARMAND.servers(), "--control-secret",
                SECRET);
             DashboardProcess on = DashboardProcess.start("--servers", GEARMAND.servers(), "--control-secret", SECRET,
                     "--allow-actions")) {
            HttpResponse<String> viaGet = get(on.url("api/actions"));
            assertThat(viaGet.statusCode()).isEqualTo(405);
            assertThat(viaGet.headers().firstValue("Allow")).hasValue("POST");
            assertThat(post(on.url("api/fleet"), "application/json", SECRET, "{}").statusCode()).isEqualTo(405);

            HttpResponse<String> disabled = post(off.url("api/actions"), "application/json", SECRET, quietA);
            assertThat(disabled.statusCode()).isEqualTo(403);
            assertThat(disabled.body()).contains("--allow-actions");

            assertThat(post(on.url("api/actions"), "application/json", null, quietA).statusCode()).isEqualTo(403);
            assertThat(post(on.url("api/actions"), "application/json", SECRET + "x", quietA).statusCode())
                    .isEqualTo(403);
            assertThat(post(on.url("api/actions"), "text/plain", SECRET, quietA).statusCode()).isEqualTo(415);
            assertThat(post(on.url("api/actions"), "application/json", SECRET, "quiet").statusCode())
                    .isEqualTo(400);
            assertThat(post(on.url("api/actions"), "application/json", SECRET, "{\"action\":\"dance\"}")
                    .statusCode()).isEqualTo(400);
            assertThat(post(on.url("api/actions"), "application/json", SECRET,
                    "{\"action\":\"quiet\",\"worker\":\"no-such-worker\"}").statusCode()).isEqualTo(404);
            assertThat(controlStatus(a)).as("nothing refused reached the worker").contains("\"state\":\"running\"");
            assertThat(a.stderr()).doesNotContain("Control command 'quiet'");

            HttpResponse<String> quiet = post(on.url("api/actions"), "application/json", SECRET, quietA);
            assertThat(quiet.statusCode()).as(quiet.body()).isEqualTo(200);
            assertThat(json(quiet.body())).isEqualTo(Map.of("ok", true, "message",
                    "quiet " + a.workerId() + ": done"));
            assertThat(controlStatus(a)).contains("\"state\":\"quiet\"");
            assertThat(worker(fleet(on), a.workerId())).as("refreshed at once").containsEntry("state", "quiet");
            assertThat(list(map(fleet(on).get("actions")).get("log")))
                    .extracting(e -> map(e).get("text")).contains("quiet " + a.workerId() + ": done");

            HttpResponse<String> resume = post(on.url("api/actions"), "application/json", SECRET,
                    "{\"action\":\"resume\",\"worker\":\"" + a.workerId() + "\"}");
            assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
            assertThat(controlStatus(a)).contains("\"state\":\"running\"");
            assertThat(a.stderr()).doesNotContain(SECRET);
        }
    }

    /** A loopback port nothing listens on: bound, then closed. */
    private static int closedPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long jobsStartedByOurWorkers() {
        return a.events(JOB_STARTED).size() + b.events(JOB_STARTED).size();
    }

    private static String controlStatus(WorkerProcessHandle w) throws IOException {
        return SignedControl.call(GEARMAND.address(), w.workerId(), "status", SECRET, LIMIT);
    }

    static Map<String, Object> fleet(DashboardProcess dashboard) throws IOException, InterruptedException {
        HttpResponse<String> r = get(dashboard.url("api/fleet"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return map(json(r.body()));
    }

    private static List<Object> workers(Map<String, Object> fleet) {
        return list(fleet.get("workers"));
    }

    private static Map<String, Object> events(Map<String, Object> fleet) {
        return map(fleet.get("events"));
    }

    static Map<String, Object> worker(Map<String, Object> fleet, String id) {
        return workers(fleet).stream().map(DashboardHttpIT::map).filter(w -> id.equals(w.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no worker " + id + " in " + fleet));
    }

    private static Map<String, Object> function(Map<String, Object> fleet, String name) {
        return list(fleet.get("functions")).stream().map(DashboardHttpIT::map)
                .filter(f -> name.equals(f.get("function"))).findFirst().orElseThrow(() -> new AssertionError("no function " + name + " in " + fleet));
    }

    /** JSON as plain values, whole numbers as Long. */
    private static Object json(String text) throws IOException {
        return Wire.json().reader().with(DeserializationFeature.USE_LONG_FOR_INTS).readValue(text, Object.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, String type, String secret, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header(DashboardServer.SECRET_HEADER, secret);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
