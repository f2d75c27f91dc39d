package io.gearworker.worker.http.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gearworker.worker.fleet.Wire;
import io.gearworker.worker.http.HostCheck;
import io.gearworker.worker.http.HttpServerLimits;
import io.gearworker.worker.http.RequestExecutor;

/**
 * The dashboard over HTTP (the JDK's {@link HttpServer}): the page and its script and style from the jar
 * ({@code /dashboard/*}), {@code GET /api/fleet} (the fleet as JSON), {@code POST /api/actions} and
 * {@code GET /metrics} (gearmand's queues for Prometheus).
 * <p>
 * An action must be a POST with a JSON body ({@code Content-Type: application/json}: a cross-site form cannot send
 * one, and a cross-site script would need CORS, which is never granted), actions must be on, and with a control
 * secret the request carries it in the header {@code X-Control-Secret}.
 * <p>
 * Only requests whose {@code Host} the {@link HostCheck} allows are answered (DNS rebinding); the server's limits
 * and threads are the worker endpoint's ({@link HttpServerLimits}, {@link RequestExecutor}), so slow clients cannot
 * silence the {@code /metrics} an autoscaler reads.
 */
public final class DashboardServer implements AutoCloseable {

    static final String SECRET_HEADER = "X-Control-Secret";
    private static final int MAX_BODY = 4096;
    private static final int MAX_REQUESTS = 32;
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.js", "dashboard.js",
            "/dashboard.css", "dashboard.css");

    private final HttpServer server;
    private final RequestExecutor executor;
    private final HostCheck hosts;
    private final FleetCollector collector;
    private final FleetActions actions;
    private final QueueMetrics queueMetrics;

    private DashboardServer(HttpServer server, RequestExecutor executor, HostCheck hosts, FleetCollector collector,
                            FleetActions actions) {
        this.server = server;
        this.executor = executor;
        this.hosts = hosts;
        this.collector = collector;
        this.actions = actions;
        this.queueMetrics = new QueueMetrics(QueueMetrics.MAX_FUNCTIONS, collector::adminAnomalies);
    }

    /** Binds the address and serves until {@link #close()}. */
    public static DashboardServer start(InetSocketAddress address, HostCheck hosts, FleetCollector collector,
                                        FleetActions actions) throws IOException {
        HttpServerLimits.apply();
        HttpServer http = HttpServer.create(address, 0);
        RequestExecutor executor = new RequestExecutor("dashboard-http", MAX_REQUESTS);
        http.setExecutor(executor);
        DashboardServer dashboard = new DashboardServer(http, executor, hosts, collector, actions);
        http.createContext("/", RequestExecutor.handler(exchange -> dashboard.handle(exchange, dashboard::page)));
        http.createContext("/api/fleet", RequestExecutor.handler(exchange -> dashboard.handle(exchange,
                dashboard::fleet)));
        http.createContext("/api/actions", RequestExecutor.handler(exchange -> dashboard.handle(exchange,
                dashboard::action)));
        http.createContext("/metrics", RequestExecutor.handler(exchange -> dashboard.handle(exchange,
                dashboard::metrics)));
        http.start();
        return dashboard;
    }

    /** The bound address (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (hosts.allows(exchange.getRequestHeaders().getFirst("Host"))) {
                handler.handle(exchange);
            } else {
                send(exchange, 421, "text/plain; charset=utf-8", "host not served: use an IP address, localhost or "
                                                                 + "a name given to the dashboard with --allowed-host");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain; charset=utf-8", "dashboard error: " + e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!allowed(exchange, "GET")) {
            return;
        }
        String file = STATIC.get(exchange.getRequestURI().getPath());
        InputStream in = file == null ? null : DashboardServer.class.getResourceAsStream("/dashboard/" + file);
        if (in == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found");
            return;
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        String type = file.endsWith(".js") ? "text/javascript; charset=utf-8"
                : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        send(exchange, 200, type, body);
    }

    private void fleet(HttpExchange exchange) throws IOException {
        if (allowed(exchange, "GET")) {
            send(exchange, 200, "application/json", fleetJson());
        }
    }

    /** The latest snapshot with the actions' state, as {@code GET /api/fleet} returns it. */
    String fleetJson() throws IOException {
        return Wire.json().writeValueAsString(FleetView.of(collector.latest(), actions.state()));
    }

    /** The answer to an action. */
    private record ActionAnswer(boolean ok, String message) {
    }

    private void action(HttpExchange exchange) throws IOException {
        if (!allowed(exchange, "POST")) {
            return;
        }
        if (!actions.enabled()) {
            send(exchange, 403, "text/plain; charset=utf-8",
                    "actions are off: start the dashboard with --allow-actions");
            return;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            send(exchange, 415, "text/plain; charset=utf-8", "an action is a JSON body (application/json)");
            return;
        }
        if (!actions.authorized(exchange.getRequestHeaders().getFirst(SECRET_HEADER))) {
            send(exchange, 403, "text/plain; charset=utf-8", "wrong or missing control secret (" + SECRET_HEADER
                                                              + ")");
            return;
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        JsonNode request;
        try {
            request = body.length > MAX_BODY ? null : Wire.json().readTree(body);
            if (request == null || !request.isObject()) {
                throw new IOException("not a JSON object of at most " + MAX_BODY + " bytes");
            }
        } catch (IOException e) {
            send(exchange, 400, "text/plain; charset=utf-8", "bad action request: " + e.getMessage());
            return;
        }
        JsonNode action = request.path("action");
        JsonNode worker = request.path("worker");
        JsonNode batch = request.path("batch");
        if (!action.isTextual() || !(worker.isMissingNode() || worker.isNull() || worker.isTextual())
            || !(batch.isMissingNode() || batch.isNull() || batch.canConvertToInt() && batch.isIntegralNumber())) {
            send(exchange, 400, "text/plain; charset=utf-8",
                    "an action is {\"action\": \"quiet|resume|terminate|rolling-restart\", \"worker\": \"ID\" "
                    + "(none = all), \"batch\": N (rolling restart)}");
            return;
        }
        FleetActions.Outcome outcome = actions.run(action.asText(), worker.isTextual() ? worker.asText() : null,
                batch.isIntegralNumber() ? batch.asInt() : 1);
        send(exchange, outcome.status(), "application/json",
                Wire.json().writeValueAsString(new ActionAnswer(outcome.status() < 300, outcome.message())));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (allowed(exchange, "GET")) {
            send(exchange, 200, QueueMetrics.CONTENT_TYPE, queueMetrics.text(collector.latest()));
        }
    }

    /** False (after answering 405 with the allowed method) when the request uses another method. */
    private static boolean allowed(HttpExchange exchange, String method) throws IOException {
        if (exchange.getRequestMethod().equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method);
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use " + method);
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
