package io.gearworker.worker.cli;

import io.gearworker.worker.fleet.ControlClient;
import io.gearworker.worker.fleet.Fleet;
import io.gearworker.worker.http.HostCheck;
import io.gearworker.worker.http.dashboard.DashboardServer;
import io.gearworker.worker.http.dashboard.FleetActions;
import io.gearworker.worker.http.dashboard.FleetCollector;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
         description = "A live web page for the whole fleet: per function and server the jobs queued and running "
                       + "and the workers; per worker its state, uptime, jobs, slots, limits and servers (control "
                       + "'status'); with --log, throughput, exits and jobs handed back, run twice or lost from the "
                       + "event logs; with --allow-actions, quiet / resume / terminate / rolling restart. Also "
                       + "GET /api/fleet (JSON) and GET /metrics (queue depth for Prometheus). Runs until "
                       + "interrupted.")
public final class DashboardCommand implements Callable<Integer> {

    /** How often the fleet is looked at (the page polls as often). */
    static final Duration REFRESH = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Mixin
    ServersOption servers;

    @Option(names = "--log", arity = "1..*", paramLabel = "FILE",
            description = "Worker event logs to follow (several after one --log, or --log repeated).")
    List<Path> logs = new ArrayList<>();

    @Option(names = "--log-window", defaultValue = "15m", converter = Durations.class, paramLabel = "DURATION",
            description = "How far back the event-log figures look; older events are forgotten, so memory stays "
                          + "bounded (default: ${DEFAULT-VALUE}; at least the 5-minute chart).")
    Duration logWindow;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "HTTP port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anyone who reaches it sees the fleet.")
    String host;

    @Option(names = "--allowed-host", arity = "1..*", paramLabel = "NAME",
            description = "Host names the page may be reached by besides IP addresses and localhost (e.g. the "
                          + "ingress's name); requests naming any other host are refused (DNS rebinding).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--control-secret", paramLabel = "SECRET",
            description = "The workers' control secret (env GEARMAN_CONTROL_SECRET): proves every control "
                          + "command (never sent itself), and required from the page (header X-Control-Secret) for actions.")
    String controlSecret;

    @Option(names = "--allow-actions", description = "Allow the page to quiet, resume, terminate and rolling-restart "
                                                     + "workers (POST /api/actions); off by default.")
    boolean allowActions;

    @Option(names = "--rolling-wait", defaultValue = "120s", converter = Durations.class, paramLabel = "DURATION",
            description = "A rolling restart's wait for each batch to come back (default: ${DEFAULT-VALUE}).")
    Duration rollingWait;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ServerAddress> addresses = servers.addresses();
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port " + port + ": must be 0..65535");
        }
        if (logWindow.compareTo(FleetCollector.THROUGHPUT_WINDOW) < 0) {
            throw new ParameterException(spec.commandLine(), "--log-window " + logWindow.toSeconds() + "s: must be "
                                                             + "at least 5m (the throughput chart's span)");
        }
        for (Path log : logs) {
            if (Files.isDirectory(log)) {
                throw new ParameterException(spec.commandLine(), "--log " + log + " is a directory; give the event "
                                                                 + "log files, e.g. " + log + "/*.events.log");
            }
        }
        String secret = ControlTargets.normalisedSecret(spec.commandLine(), controlSecret);
        Fleet fleet = new Fleet(new AdminClient(Duration.ofSeconds(2)), addresses);
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-refresh");
            t.setDaemon(true);
            return t;
        });
        try (ControlClient control = new ControlClient(secret, Duration.ofSeconds(2))) {
            FleetCollector collector = new FleetCollector(fleet, control, logs, logWindow);
            try (FleetActions actions = new FleetActions(allowActions, secret, fleet, control, collector,
                    rollingWait);
                 DashboardServer server = startServer(collector, actions)) {
                refresher.scheduleWithFixedDelay(() -> {
                    try {
                        collector.refresh();
                    } catch (RuntimeException e) {
                        System.err.println("dashboard: refresh failed: " + e.getMessage());
                    }
                }, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
                InetSocketAddress bound = server.address();
                System.out.println("dashboard: http://" + bound.getHostString() + ":" + bound.getPort() + "/"
                                   + (allowActions ? " (actions on" + (secret == null
                                           ? ", no control secret)" : ", with the control secret)") : ""));
                System.out.flush();
                CountDownLatch interrupted = new CountDownLatch(1);
                Signal.handle(new Signal("INT"), s -> interrupted.countDown());
                Signal.handle(new Signal("TERM"), s -> interrupted.countDown());
                interrupted.await();
            } finally {
                refresher.shutdownNow();
            }
        }
        return 0;
    }

    private DashboardServer startServer(FleetCollector collector, FleetActions actions) throws IOException {
        try {
            return DashboardServer.start(new InetSocketAddress(host, port), new HostCheck(allowedHosts), collector,
                    actions);
        } catch (java.net.BindException e) {
            throw new ParameterException(spec.commandLine(), "--host " + host + " --port " + port + ": cannot listen"
                                                             + " there: " + e.getMessage());
        }
    }
}
