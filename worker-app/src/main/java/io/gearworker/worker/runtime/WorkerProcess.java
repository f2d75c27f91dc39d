package io.gearworker.worker.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.policy.RestartPolicySupport;
import io.gearworker.worker.fleet.ControlFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.ShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: camel-main running the job routes with a {@code gearman} component configured from the
 * settings, the event log, and the stop path. SIGTERM (and SIGINT) only request a stop; camel-main's graceful
 * shutdown then stops grabbing and waits for jobs in flight up to the shutdown timeout.
 */
public final class WorkerProcess {

    /** Exit codes of the contract. */
    static final int EXIT_OK = 0;
    static final int EXIT_ERROR = 1;
    static final int EXIT_CONFIG = 2;
    static final int EXIT_HANDED_BACK = 3;

    /** The routes module's package: its RouteBuilders (and those of its sub-packages) are the job routes. */
    public static final String DEFAULT_ROUTES_PACKAGE = "io.gearworker.routes";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);

    private final WorkerSettings settings;
    private final EventLog events;
    private final WorkerMode mode = new WorkerMode();
    private final JobCounter jobs;
    private final Main main = new Main();
    private final StopControl stop;
    private final ObserverEndpoint.Starter observers;

    /** @param observers starts the endpoint that {@code --http-port} asks for */
    public WorkerProcess(WorkerSettings settings, ObserverEndpoint.Starter observers) {
        this.settings = settings;
        this.observers = observers;
        this.events = new EventLog(System.out, settings.workerId());
        this.jobs = new JobCounter(events, mode);
        this.stop = new StopControl(mode, main, events, jobs, settings.shutdownTimeout());
    }

    public int run() {
        StopSignals.subscribe(stop::request);
        LOG.info("Worker {} starting: servers {}, {} slot(s), shutdown timeout {} ms", settings.workerId(),
                settings.servers(), settings.concurrency(), settings.shutdownTimeout().toMillis());

        String propertyProblem;
        try {
            propertyProblem = ComponentProperties.problem(Path.of("application.properties"));
        } catch (IOException e) {
            propertyProblem = "application.properties: cannot read: " + e.getMessage();
        }
        if (propertyProblem != null) {
            System.err.println("gearman-worker: bad configuration: " + propertyProblem);
            events.exit("error", 0, EXIT_CONFIG);
            return EXIT_CONFIG;
        }
        GearmanComponent gearman = new GearmanComponent();
        gearman.addJobListener(jobs);
        main.bind("gearman", gearman);
        configureComponent();

        List<RestartPolicySupport> policies = settings.limits().policies();
        policies.forEach(p -> p.setRestartRequest(stop::request));

        // off unless asked: registering the MBeans costs start-up time (camel.main.jmx-enabled also works)
        main.configure().setJmxEnabled(settings.jmx());
        // job routes: every top-level concrete RouteBuilder in the packages (camel-main's package scan skips
        // abstract classes); nested and anonymous classes ($ in the name) are helpers, never discovered.
        // No packages (only --routes given): no scan at all
        if (settings.routesPackage() != null) {
            main.configure().withBasePackageScan(settings.routesPackage()).withJavaRoutesExcludePattern("**/*$*");
        }
        WorkerState state = new WorkerState(settings, main, mode, jobs, policies);
        WorkerControl control = new WorkerControl(settings, stop, mode, state, settings.controlSecret());
        ObserverEndpoint http;
        try {
            http = startHttp(state, gearman);
        } catch (IOException e) {
            System.err.println("gearman-worker: bad configuration: --http-port " + settings.httpPort()
                               + " / --http-host " + settings.httpHost() + ": cannot listen: " + e.getMessage());
            events.exit("error", 0, EXIT_CONFIG);
            return EXIT_CONFIG;
        }
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                // its own consumer, so its own connection and slot: a control job never waits behind jobs; no error
                // handler: WorkerControl logs a refusal itself, without the workload (it may hold the secret)
                from("gearman:" + new ControlFunction(settings.workerId()).name() + "?concurrentConsumers=1")
                        .routeId("control").errorHandler(noErrorHandler()).process(control);
            }
        });
        if (settings.routes() != null) {
            main.configure().setRoutesIncludePattern(routesPattern());
        }
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                policies.forEach(p -> m.getCamelContext().addRoutePolicyFactory(new GearmanRoutesPolicyFactory(p)));
            }

            @Override
            public void beforeStart(BaseMainSupport m) {
                ShutdownStrategy strategy = m.getCamelContext().getShutdownStrategy();
                strategy.setTimeUnit(TimeUnit.MILLISECONDS);
                strategy.setTimeout(Math.max(1, settings.shutdownTimeout().toMillis()));
                if (stop.beginStart()) { // stop requests wait until afterStart: none falls between check and start
                    // asked to stop while starting: start no route, so no job is taken after the request
                    m.getCamelContext().setAutoStartup(false);
                }
            }

            @Override
            public void afterStart(BaseMainSupport m) {
                try {
                    if (mode.stopReason() == null) {
                        events.ready(ProcessHandle.current().pid(), EventLog.localHost(), settings.servers(),
                                functions(m.getCamelContext()), http == null ? null : http.address());
                    } else {
                        LOG.info("Worker {} was asked to stop ({}) while starting; not ready", settings.workerId(),
                                mode.stopReason());
                    }
                } finally {
                    stop.endStart();
                }
            }
        });

        boolean failed = false;
        boolean badConfig = false;
        try {
            main.run();
        } catch (Exception e) {
            String configError = StartupErrors.configurationError(e);
            if (configError != null) {
                // a usage error like a bad command-line option: one line naming the option, exit 2
                System.err.println("gearman-worker: bad configuration: " + configError);
                LOG.debug("Worker {} configuration error", settings.workerId(), e);
                badConfig = true;
            } else {
                LOG.error("Worker {} failed: {}", settings.workerId(), e.getMessage(), e);
            }
            failed = true;
        } finally {
            stop.endStart(); // when start-up failed before afterStart
        }
        if (http != null) {
            http.close(); // after the drain and Camel's shutdown: probes saw 'stopping' until now
        }
        int code;
        String reason;
        if (badConfig) {
            code = EXIT_CONFIG;
            reason = "error";
        } else if (jobs.handedBack() > 0) {
            code = EXIT_HANDED_BACK;
            reason = "shutdown-timeout";
        } else if (failed || mode.stopReason() == null) {
            code = EXIT_ERROR;
            reason = "error";
        } else {
            code = EXIT_OK;
            reason = mode.stopReason();
        }
        events.exit(reason, jobs.done(), code);
        return code;
    }

    /**
     * One configuration path: the run options become {@code camel.component.gearman.*} properties, which win over
     * application.properties; the component's other options ({@code camel.component.gearman.send-exceptions}, …)
     * come from application.properties, read from the same place as the {@code gearman.<option>} defaults.
     */
    private void configureComponent() {
        main.addOverrideProperty("camel.component.gearman.servers", settings.servers());
        main.addOverrideProperty("camel.component.gearman.concurrent-consumers",
                String.valueOf(settings.concurrency()));
        main.addOverrideProperty("camel.component.gearman.worker-id", settings.workerId());
        String named = System.getProperty("gearworker.config"); // the launcher's config/application.properties
        main.setDefaultPropertyPlaceholderLocation(Files.isReadable(Path.of("application.properties"))
                ? "file:application.properties"
                : named != null ? "file:" + named + ";optional=true"
                : "classpath:application.properties;optional=true");
    }

    /** The HTTP endpoint (metrics, health) when {@code --http-port} is set, counting jobs from the start. */
    private ObserverEndpoint startHttp(WorkerState state, GearmanComponent gearman) throws IOException {
        WorkerSettings s = state.settings();
        if (s.httpPort() == null) {
            return null;
        }
        // Camel's health checks (context, routes, and those components register) join the worker's own in /health
        main.configure().health().withEnabled(true).withRoutesEnabled(true).setConsumersEnabled(true);
        ObserverEndpoint http = observers.start(state, s.httpHost(), s.httpPort());
        gearman.addJobListener(http.jobListener());
        return http;
    }

    private String routesPattern() {
        String path = settings.routes().toAbsolutePath().toString();
        return Files.isDirectory(settings.routes())
                ? "file:" + path + "/*.yaml,file:" + path + "/*.yml"
                : "file:" + path;
    }

    private static String functions(CamelContext context) {
        return WorkerControl.jobConsumers(context).stream()
                .map(c -> c.getEndpoint().getConfiguration().getFunctionName())
                .collect(Collectors.joining(","));
    }
}
