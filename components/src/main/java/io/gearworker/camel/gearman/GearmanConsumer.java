package io.gearworker.camel.gearman;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.gearworker.camel.gearman.health.GearmanConsumerHealthCheck;
import io.gearworker.camel.gearman.protocol.AssignedJob;
import io.gearworker.camel.gearman.protocol.ConnectionWatchdog;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketConnection;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckAware;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gearman worker for the endpoint's function. Each job becomes an exchange routed asynchronously; its result is
 * sent only once the exchange completed ({@link JobExchangeMapping} maps both ways). {@code concurrentConsumers} job
 * slots are shared by the connections to all servers (one connection per slot and server), and a job is grabbed
 * only when a slot is free. This class keeps the lifecycle, the slots, JMX and the job listeners.
 * <p>
 * Suspend and shutdown stop grabbing at once and let jobs in flight finish: Camel's shutdown strategy waits for
 * {@link #getPendingExchangesSize()} (the jobs in flight: grabs outstanding + jobs whose result gearmand has not yet
 * confirmed) up to its timeout. A job still running when the consumer stops is handed back to gearmand by closing
 * its connection.
 */
@ManagedResource(description = "Gearman worker: job slots, jobs in flight, connections per server")
public class GearmanConsumer extends DefaultConsumer implements ShutdownAware, Suspendable, HealthCheckAware {

    private static final Logger LOG = LoggerFactory.getLogger(GearmanConsumer.class);

    private final List<WorkerConnectionLoop> loops = new CopyOnWriteArrayList<>();
    private final AtomicInteger handedBack = new AtomicInteger();
    private volatile JobSlots slots;
    private volatile ServerConnections serverConnections;
    private ExecutorService executor;
    private volatile ConnectionWatchdog watchdog;
    private PacketCodec codec;
    private JobExchangeMapping mapping;
    private String workerId;
    private HealthCheck healthCheck;

    public GearmanConsumer(GearmanEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public GearmanEndpoint getEndpoint() {
        return (GearmanEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        GearmanConfiguration cfg = getEndpoint().getConfiguration();
        List<ServerAddress> servers = cfg.serverList();
        codec = getEndpoint().codec();
        workerId = getEndpoint().workerId();
        mapping = new JobExchangeMapping(codec.maxPayloadSize(), cfg.isSendExceptions());
        if (cfg.isTestConnectionOnStartup()) {
            testConnections(servers, cfg);
        }
        int n = cfg.getConcurrentConsumers();
        slots = new JobSlots(n, admissions());
        serverConnections = new ServerConnections(servers, n);
        watchdog = new ConnectionWatchdog(getEndpoint().getComponent().watchdogScheduler(), cfg.liveness());
        executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "GearmanConsumer[" + cfg.getFunctionName() + "]", n * servers.size());
        for (ServerAddress server : servers) {
            for (int i = 0; i < n; i++) {
                WorkerConnectionLoop loop = new WorkerConnectionLoop(this, server);
                loops.add(loop);
                executor.execute(loop);
            }
        }
        LOG.info("Gearman worker {} serving '{}' on {} with {} slot(s)", workerId, cfg.getFunctionName(), servers, n);
        if (healthCheck == null) {
            GearmanConsumerHealthCheck check = new GearmanConsumerHealthCheck(this, getRouteId());
            check.setEnabled(getEndpoint().getComponent().isHealthCheckConsumerEnabled());
            healthCheck = check;
        }
    }

    /** Readiness for Camel's {@code consumers} health-check repository (see {@link GearmanConsumerHealthCheck}). */
    @Override
    public HealthCheck getHealthCheck() {
        return healthCheck;
    }

    @Override
    public void setHealthCheck(HealthCheck healthCheck) {
        this.healthCheck = healthCheck;
    }

    /** The job budgets of this route: route policies that implement {@link JobAdmission} (e.g. max-jobs). */
    private List<JobAdmission> admissions() {
        if (getRoute() == null) {
            return List.of();
        }
        return getRoute().getRoutePolicyList().stream()
                .filter(JobAdmission.class::isInstance)
                .map(JobAdmission.class::cast)
                .toList();
    }

    private void testConnections(List<ServerAddress> servers, GearmanConfiguration cfg) throws IOException {
        for (ServerAddress server : servers) {
            try (PacketConnection ignored = PacketConnection.open(server, codec,
                    Duration.ofMillis(cfg.getConnectTimeout()))) {
                LOG.debug("gearmand {} reachable", server);
            } catch (IOException e) {
                throw new IOException("gearman: cannot reach gearmand " + server
                                      + " (testConnectionOnStartup=true): " + e.getMessage(), e);
            }
        }
    }

    @Override
    protected void doSuspend() throws Exception {
        slots.pause();
        LOG.info("Gearman worker {} stopped grabbing '{}'; {} job(s) in flight finish", workerId,
                getEndpoint().getConfiguration().getFunctionName(), getInFlightJobs());
    }

    @Override
    protected void doResume() throws Exception {
        slots.resume();
        LOG.info("Gearman worker {} grabbing '{}' again", workerId, getEndpoint().getConfiguration().getFunctionName());
    }

    @Override
    protected void doStop() throws Exception {
        if (slots != null) {
            slots.close();
        }
        loops.forEach(WorkerConnectionLoop::stop);
        loops.clear();
        if (watchdog != null) {
            watchdog.close(); // kept: a loop thread still ending unwatches its connection
        }
        if (executor != null) {
            // threads still waiting for a handed-back job's exchange are released; no result will be sent
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        super.doStop();
    }

    // ShutdownAware: stop grabbing at once (we are suspended, not deferred), then Camel waits for pending jobs

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        return getInFlightJobs();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        JobSlots s = slots;
        if (s != null) {
            s.pause();
        }
    }

    /** Jobs grabbed (or being grabbed) whose result gearmand has not yet confirmed. */
    @ManagedAttribute(description = "Jobs grabbed (or being grabbed) whose result gearmand has not yet confirmed")
    public int getInFlightJobs() {
        JobSlots s = slots;
        return s == null ? 0 : s.inFlight();
    }

    /** Jobs whose connection closed before their result was sent, since start. */
    @ManagedAttribute(description = "Jobs handed back to gearmand (connection closed before the result), since start")
    public int getHandedBackJobs() {
        return handedBack.get();
    }

    /** True while grabbing is paused (suspended, or draining for shutdown). */
    @ManagedAttribute(description = "True while no job is grabbed: suspended (quiet), or draining for shutdown")
    public boolean isGrabbingPaused() {
        JobSlots s = slots;
        return s == null || s.isPaused();
    }

    @ManagedAttribute(description = "Job slots: the most jobs run at once, across all servers (concurrentConsumers)")
    public int getJobSlots() {
        return getEndpoint().getConfiguration().getConcurrentConsumers();
    }

    @ManagedAttribute(description = "The Gearman function")
    public String getFunctionName() {
        return getEndpoint().getConfiguration().getFunctionName();
    }

    @ManagedAttribute(description = "The worker id sent with SET_CLIENT_ID")
    public String getWorkerId() {
        return getEndpoint().workerId();
    }

    /** Per server {@code host:port=<registered>/<kept> connections, <reconnects> reconnects}. */
    @ManagedAttribute(description = "Per server: registered/kept connections and reconnects since start")
    public String getServerConnections() {
        return getServerStatuses().stream()
                .map(s -> s.server() + "=" + s.connected() + "/" + s.connections() + " connections, "
                          + s.reconnects() + " reconnects")
                .collect(Collectors.joining("; "));
    }

    // called by the connection loops

    /**
     * Each server's connection state: registered connections, reconnects, last error. Empty before the consumer
     * started.
     */
    public List<ServerStatus> getServerStatuses() {
        ServerConnections current = serverConnections;
        return current == null ? List.of() : current.snapshot();
    }

    ServerConnections serverConnections() {
        return serverConnections;
    }

    ConnectionWatchdog watchdog() {
        return watchdog;
    }

    JobSlots slots() {
        return slots;
    }

    PacketCodec codec() {
        return codec;
    }

    String workerId() {
        return workerId;
    }

    Exchange createJobExchange(AssignedJob assigned, GearmanJob job) {
        Exchange exchange = createExchange(false);
        mapping.fill(exchange, assigned, job);
        return exchange;
    }

    /** The packets that report a completed exchange (see {@link JobExchangeMapping#outcome}); releases it. */
    Packet[] outcome(GearmanJob job, Exchange exchange) {
        try {
            return mapping.outcome(job, exchange);
        } finally {
            releaseExchange(exchange, false);
        }
    }

    void jobStarted(GearmanJob job) {
        for (GearmanJobListener l : getEndpoint().getComponent().jobListeners()) {
            l.jobStarted(job);
        }
    }

    /** gearmand processed the job's result (it answered a later packet on the job's connection). */
    void jobConfirmed(GearmanJob job) {
        Throwable failure = job.failure();
        for (GearmanJobListener l : getEndpoint().getComponent().jobListeners()) {
            if (failure == null) {
                l.jobCompleted(job);
            } else {
                l.jobFailed(job, failure);
            }
        }
    }

    void handedBack(GearmanJob job, String reason) {
        handedBack.incrementAndGet();
        LOG.warn("Gearman job {} handed back to gearmand ({}); gearmand will run it again", job, reason);
        for (GearmanJobListener l : getEndpoint().getComponent().jobListeners()) {
            l.jobHandedBack(job, reason);
        }
    }
}
