package io.gearworker.camel.gearman;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gearworker.camel.gearman.health.GearmanProducerHealthCheck;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.JobResult;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Submits the message body as a job. Foreground: the exchange continues, without blocking a thread, when the
 * result arrives; the body becomes the result. Background: the exchange continues once gearmand queued the job,
 * with its handle in {@link GearmanConstants#JOB_HANDLE}.
 */
public class GearmanProducer extends DefaultAsyncProducer {

    private static final byte[] EMPTY = new byte[0];

    private GearmanClient client;
    private ExecutorService readers;
    private WritableHealthCheckRepository healthChecks;
    private GearmanProducerHealthCheck healthCheck;

    public GearmanProducer(GearmanEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public GearmanEndpoint getEndpoint() {
        return (GearmanEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        GearmanConfiguration cfg = getEndpoint().getConfiguration();
        readers = getEndpoint().getCamelContext().getExecutorServiceManager()
                .newCachedThreadPool(this, "GearmanProducer[" + cfg.getFunctionName() + "]");
        client = new GearmanClient(cfg.serverList(), getEndpoint().codec(), cfg.liveness(), readers,
                getEndpoint().getComponent().watchdogScheduler(), cfg.isResubmitUnanswered());
        healthChecks = HealthCheckHelper.getHealthCheckRepository(getEndpoint().getCamelContext(), "producers",
                WritableHealthCheckRepository.class);
        if (healthChecks != null) {
            healthCheck = new GearmanProducerHealthCheck(this);
            healthCheck.setEnabled(getEndpoint().getComponent().isHealthCheckProducerEnabled());
            healthChecks.addHealthCheck(healthCheck);
        }
    }

    /**
     * Succeeds when a connection to one of the servers is open or can be opened now (for health checks).
     *
     * @throws IOException naming the servers and the last connection error
     */
    public void testConnection() throws IOException {
        GearmanClient c = client;
        if (c == null) {
            throw new IOException("producer is not started");
        }
        c.ensureConnected();
    }

    @Override
    protected void doStop() throws Exception {
        if (healthChecks != null && healthCheck != null) {
            healthChecks.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        if (readers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(readers);
            readers = null;
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        GearmanConfiguration cfg = getEndpoint().getConfiguration();
        Message in = exchange.getMessage();
        JobRequest job;
        try {
            Object body = in.getBody();
            byte[] workload = body == null ? EMPTY : in.getMandatoryBody(byte[].class);
            String function = in.getHeader(GearmanConstants.FUNCTION_OVERRIDE, cfg.getFunctionName(), String.class);
            job = new JobRequest(function, workload, in.getHeader(GearmanConstants.UNIQUE_ID, String.class),
                    cfg.getPriority(), cfg.isBackground());
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        CompletableFuture<JobResult> result = client.submit(job);
        if (cfg.getTimeout() > 0 && !cfg.isBackground()) {
            result = result.orTimeout(cfg.getTimeout(), TimeUnit.MILLISECONDS);
        }
        result.whenComplete((r, error) -> {
            if (error == null) {
                in.setHeader(GearmanConstants.JOB_HANDLE, r.handle());
                in.setHeader(GearmanConstants.SERVER, r.server().toString());
                if (r.data() != null) {
                    in.setBody(r.data());
                }
            } else {
                exchange.setException(error instanceof TimeoutException
                        ? new ExchangeTimedOutException(exchange, cfg.getTimeout(),
                                "no result for Gearman job '" + job.function() + "'; it stays with gearmand")
                        : error);
            }
            callback.done(false);
        });
        return false;
    }
}
