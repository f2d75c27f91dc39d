package io.gearworker.worker.cli;

import io.gearworker.worker.http.WorkerHttpServer;
import io.gearworker.worker.runtime.ObserverEndpoint;
import io.gearworker.worker.runtime.RestartLimits;
import io.gearworker.worker.runtime.WorkerProcess;
import io.gearworker.worker.runtime.WorkerSettings;
import io.gearworker.worker.runtime.WorkerState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.GearmanEndpoint;
import io.gearworker.camel.gearman.GearmanJobListener;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import io.gearworker.worker.fleet.ControlSecret;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
         description = "Run a worker: take jobs from gearmand and route them (the default command). Every option "
                       + "can also be set as GEARMAN_<OPTION> in the environment or gearman.<option>  in "
                       + "application.properties; the command line wins.")
public final class RunCommand implements Callable<Integer> {

    private static final String JAVA_IDENTIFIER = "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*";
    private static final Pattern JAVA_PACKAGE = Pattern.compile(JAVA_IDENTIFIER + "(\\." + JAVA_IDENTIFIER + ")*");

    @Spec
    CommandSpec spec;

    @Option(names = "--servers", defaultValue = "127.0.0.1:4730", paramLabel = "host:port[,host:port…]",
            description = "gearmand servers to work for (default: ${DEFAULT-VALUE}).")
    String servers;

    @Option(names = "--worker-id", paramLabel = "ID",
            description = "Worker id shown by gearadmin --workers and in the event log (default: <hostname>-<pid>).")
    String workerId;

    @Option(names = "--routes", paramLabel = "file|dir",
            description = "YAML job routes: a file, or a directory of *.yaml / *.yml files.")
    Path routes;

    @Option(names = "--routes-package", paramLabel = "PKG[,PKG…]",
            description = "Java packages (and their sub-packages) whose RouteBuilder classes are job routes. The"
                          + " worker serves the routes it is given (this and/or --routes); given none, it serves"
                          + " the example routes of " + WorkerProcess.DEFAULT_ROUTES_PACKAGE + ".")
    String routesPackage;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N",
            description = "Job slots: jobs run at once, across all servers (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--shutdown-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = Durations.class,
            description = "How long a stop waits for jobs in flight before handing them back to gearmand"
                          + " (Camel's shutdown timeout; default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Option(names = "--max-jobs", paramLabel = "N",
            description = "Restart after N jobs (counted when grabbed, across all slots and servers; drains first).")
    Integer maxJobs;

    @Option(names = "--max-jobs-jitter", defaultValue = "0", paramLabel = "N",
            description = "Add 0..N jobs to --max-jobs, drawn once per process (default: ${DEFAULT-VALUE}).")
    int maxJobsJitter;

    @Option(names = "--max-lifetime", paramLabel = "DURATION", converter = Durations.class,
            description = "Restart after this long (e.g. 30s, 10m, 2h; drains first).")
    Duration maxLifetime;

    @Option(names = { "--max-lifetime-jitter", "--jitter" }, defaultValue = "0s", paramLabel = "DURATION",
            converter = Durations.class,
            description = "Add 0..DURATION to --max-lifetime, drawn once per process (default: ${DEFAULT-VALUE};"
                          + " --jitter is the older name).")
    Duration maxLifetimeJitter;

    @Option(names = "--max-memory", paramLabel = "SIZE", converter = ByteSizes.class,
            description = "Restart when the old generation still holds more than SIZE after a GC (e.g. 512m).")
    Long maxMemory;

    @Option(names = "--control-secret", paramLabel = "SECRET",
            description = "Control commands sent to _worker_<id> must carry a proof of this secret (it never travels itself);"
                          + " surrounding whitespace is dropped."
                          + " Prefer the environment (GEARMAN_CONTROL_SECRET): a command line is visible in ps.")
    String controlSecret;

    @Option(names = "--jmx",
            description = "Register Camel's MBeans (context, routes, gearman consumers, restart policies) in the"
                          + " platform MBeanServer. Off by default: it costs start-up time.")
    boolean jmx;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve /metrics (Prometheus), /health/live and /health/ready on this port; 0 = any free"
                          + " port (the ready event says which). Off by default.")
    Integer httpPort;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the HTTP endpoint binds to (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String httpHost;

    @Override
    public Integer call() {
        WorkerSettings settings = validated();
        if (servesExamples()) {
            System.err.println("gearman-worker: no job routes given: serving the example routes of "
                               + WorkerProcess.DEFAULT_ROUTES_PACKAGE + "; give yours with --routes-package PKG"
                               + " or --routes FILE|DIR");
        }
        return new WorkerProcess(settings, RunCommand::startHttp).run();
    }

    /** Examples only when nothing else is given: a worker given its own routes serves those alone. */
    private boolean servesExamples() {
        return routesPackage == null && routes == null;
    }

    /** The worker's HTTP endpoint (metrics, health) as the observer endpoint of {@code --http-port}. */
    private static ObserverEndpoint startHttp(WorkerState worker, String host, int port) throws IOException {
        WorkerHttpServer http = WorkerHttpServer.start(worker, host, port);
        return new ObserverEndpoint() {
            @Override
            public String address() {
                return http.address();
            }

            @Override
            public GearmanJobListener jobListener() {
                return http.jobListener();
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    WorkerSettings validated() {
        try {
            ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw usage("--servers '" + servers + "': " + e.getMessage() + "; expected host:port[,host:port…]");
        }
        if (concurrency < 1) {
            throw usage("--concurrency must be an integer >= 1, was " + concurrency);
        }
        if (workerId != null && (workerId.isBlank() || workerId.chars().anyMatch(Character::isWhitespace))) {
            throw usage("--worker-id '" + workerId + "' must be non-empty and without spaces");
        }
        if (routes != null && !Files.exists(routes)) {
            throw usage("--routes " + routes + ": no such file or directory");
        }
        String packages = routesPackage != null ? validatedPackages()
                : servesExamples() ? WorkerProcess.DEFAULT_ROUTES_PACKAGE : null;
        if (shutdownTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw usage("--shutdown-timeout must be > 0, e.g. 500ms, 30s, 2m");
        }
        if (maxJobs != null && maxJobs < 1) {
            throw usage("--max-jobs must be an integer >= 1, was " + maxJobs);
        }
        if (maxJobsJitter < 0) {
            throw usage("--max-jobs-jitter must be >= 0, was " + maxJobsJitter);
        }
        if (maxLifetime != null && (maxLifetime.isZero() || maxLifetime.isNegative())) {
            throw usage("--max-lifetime must be > 0, e.g. 30s, 10m, 2h");
        }
        if (maxMemory != null && maxMemory <= 0) {
            throw usage("--max-memory must be > 0, e.g. 512m");
        }
        if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
            throw usage("--http-port must be 0..65535 (0 = any free port), was " + httpPort);
        }
        if (httpHost.isBlank()) {
            throw usage("--http-host must be a host name or address, e.g. 127.0.0.1 or 0.0.0.0");
        }
        String secret;
        try {
            secret = ControlSecret.normalise(controlSecret);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        String id = workerId != null ? workerId : GearmanEndpoint.defaultWorkerId();
        return new WorkerSettings(servers, id, routes, packages, concurrency, shutdownTimeout,
                new RestartLimits(maxJobs, maxJobsJitter, maxLifetime, maxLifetimeJitter, maxMemory), secret, jmx, httpHost,
                httpPort);
    }

    /** The packages given to scan, each a Java package name that is on the class path; comma-separated, trimmed. */
    private String validatedPackages() {
        List<String> packages = Arrays.stream(routesPackage.split(",")).map(String::trim).toList();
        for (String pkg : packages) {
            if (!JAVA_PACKAGE.matcher(pkg).matches()) {
                throw usage("--routes-package '" + routesPackage + "': '" + pkg + "' is not a Java package name;"
                            + " expected PKG[,PKG…], e.g. " + WorkerProcess.DEFAULT_ROUTES_PACKAGE);
            }
            // Camel's package scan looks the package up the same way: not found here, no route found there
            if (getClass().getClassLoader().getResource(pkg.replace('.', '/')) == null) {
                throw usage("--routes-package " + pkg + ": no such package on the class path");
            }
        }
        return String.join(",", packages);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
