package io.gearworker.worker.runtime;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.worker.fleet.ControlFunction;
import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxLifetimeRoutePolicy;
import io.gearworker.camel.gearman.policy.RestartPolicySupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's control function {@code _worker_<id>} (the seed's naming): {@code terminate} drains and exits,
 * {@code status} answers a JSON summary, {@code quiet} stops grabbing while staying connected, {@code resume}
 * grabs again (refused once the worker is stopping). With a control secret set, every command must carry it
 * ({@code terminate <secret>}); it is compared in constant time and never logged: no log line or error quotes
 * the workload, whatever it holds. A refused or unknown command fails the control job (WORK_FAIL) with one
 * warning line and no stack trace.
 */
public final class WorkerControl implements Processor {

    static final List<String> COMMANDS = List.of("terminate", "status", "quiet", "resume");

    private static final Logger LOG = LoggerFactory.getLogger(WorkerControl.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final WorkerSettings settings;
    private final StopControl stop;
    private final JobCounter jobs;
    private final List<RestartPolicySupport> policies;
    private final byte[] secret;
    private final Instant started = Instant.now();
    private volatile boolean quiet;

    WorkerControl(WorkerSettings settings, StopControl stop, JobCounter jobs, List<RestartPolicySupport> policies,
                  String secret) {
        this.settings = settings;
        this.stop = stop;
        this.jobs = jobs;
        this.policies = policies;
        this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** True after {@code quiet}, until {@code resume}. */
    boolean isQuiet() {
        return quiet;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        // the workload may hold the secret anywhere (a client that put it first, or sent it alone): no log line
        // and no exception message ever quotes the workload, only a command known to be one
        String workload = exchange.getMessage().getBody(String.class);
        String[] parts = (workload == null ? "" : workload.trim()).split("\\s+", 2);
        String command = parts[0];
        if (!COMMANDS.contains(command)) {
            LOG.warn("Control command refused: unknown command ({} characters); known: {}",
                    workload == null ? 0 : workload.length(), String.join(", ", COMMANDS));
            throw new RefusedCommandException("unknown control command; known: " + String.join(", ", COMMANDS));
        }
        if (secret != null && !MessageDigest.isEqual(secret,
                (parts.length > 1 ? parts[1] : "").getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("Control command '{}' refused: wrong or missing secret", command);
            throw new RefusedCommandException("control command '" + command + "' refused: wrong or missing secret");
        }
        String reply;
        try {
            reply = answer(exchange.getContext(), command);
        } catch (RefusedCommandException e) {
            throw e;
        } catch (Exception e) {
            // the control route has no error handler to log it; the message never holds the workload
            LOG.warn("Control command '{}' failed: {}", command, e.toString());
            throw e;
        }
        LOG.info("Control command '{}' done", command);
        exchange.getMessage().setBody(reply);
    }

    private String answer(CamelContext context, String command) throws Exception {
        return switch (command) {
            case "terminate" -> {
                stop.request("terminate");
                yield "terminating " + settings.workerId() + " pid " + ProcessHandle.current().pid();
            }
            case "quiet" -> {
                setGrabbing(context, false);
                yield "quiet " + settings.workerId();
            }
            case "resume" -> {
                if (!setGrabbing(context, true)) {
                    LOG.warn("Control command 'resume' refused: stopping ({})", stop.reason());
                    throw new RefusedCommandException("control command 'resume' refused: worker "
                                                      + settings.workerId() + " is stopping (" + stop.reason() + ")");
                }
                yield "resumed " + settings.workerId();
            }
            default -> status(context);
        };
    }

    /**
     * Stops or restarts grabbing on every job route; jobs in flight go on, connections stay up. Does nothing once
     * the worker is stopping (its drain has stopped grabbing for good) and then returns {@code false}.
     */
    private boolean setGrabbing(CamelContext context, boolean grab) throws Exception {
        return stop.unlessStopping(() -> {
            for (GearmanConsumer consumer : jobConsumers(context)) {
                if (grab) {
                    ServiceHelper.resumeService(consumer);
                } else {
                    ServiceHelper.suspendService(consumer);
                }
            }
            quiet = !grab;
        });
    }

    /**
     * A control command refused (unknown, wrong secret, resume while stopping): the job fails (WORK_FAIL) and the
     * warning above is its only log line. No stack trace: it carries no cause, and the control route has no error
     * handler that would log one.
     */
    static final class RefusedCommandException extends Exception {

        RefusedCommandException(String message) {
            super(message, null, false, false);
        }
    }

    /** The consumers of the job routes: every {@code gearman:} consumer but the control function's. */
    public static List<GearmanConsumer> jobConsumers(CamelContext context) {
        return context.getRoutes().stream()
                .map(Route::getConsumer)
                .filter(GearmanConsumer.class::isInstance)
                .map(GearmanConsumer.class::cast)
                .filter(c -> !ControlFunction.isControl(c.getEndpoint().getConfiguration().getFunctionName()))
                .toList();
    }

    private String status(CamelContext context) throws IOException {
        List<GearmanConsumer> consumers = jobConsumers(context);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", settings.workerId());
            g.writeNumberField("pid", ProcessHandle.current().pid());
            g.writeStringField("state", stop.reason() != null ? "stopping" : quiet ? "quiet" : "running");
            g.writeNumberField("uptime_s", Duration.between(started, Instant.now()).toSeconds());
            g.writeNumberField("jobs_done", jobs.done());
            g.writeNumberField("in_flight", consumers.stream().mapToInt(GearmanConsumer::getInFlightJobs).sum());
            g.writeNumberField("slots", settings.concurrency());
            g.writeStringField("servers", settings.servers());
            g.writeArrayFieldStart("functions");
            for (GearmanConsumer c : consumers) {
                g.writeString(c.getEndpoint().getConfiguration().getFunctionName());
            }
            g.writeEndArray();
            g.writeObjectFieldStart("limits");
            for (RestartPolicySupport p : policies) {
                if (p instanceof MaxJobsRoutePolicy maxJobs) {
                    g.writeNumberField("max_jobs", maxJobs.getLimit());
                    g.writeNumberField("jobs_left", maxJobs.getLimit() - maxJobs.getJobsTaken());
                } else if (p instanceof MaxLifetimeRoutePolicy lifetime) {
                    long left = lifetime.getLifetime().minus(Duration.between(started, Instant.now())).toSeconds();
                    g.writeNumberField("max_lifetime_s", lifetime.getLifetime().toSeconds());
                    g.writeNumberField("lifetime_left_s", Math.max(0, left));
                }
            }
            if (settings.limits().maxMemory() != null) {
                g.writeNumberField("max_memory_bytes", settings.limits().maxMemory());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toString();
    }
}
