package io.gearworker.worker.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.worker.fleet.ControlFunction;
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

    private final WorkerSettings settings;
    private final StopControl stop;
    private final WorkerMode mode;
    private final WorkerState state;
    private final byte[] secret;

    WorkerControl(WorkerSettings settings, StopControl stop, WorkerMode mode, WorkerState state, String secret) {
        this.settings = settings;
        this.stop = stop;
        this.mode = mode;
        this.state = state;
        this.secret = secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
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
                    LOG.warn("Control command 'resume' refused: stopping ({})", mode.stopReason());
                    throw new RefusedCommandException("control command 'resume' refused: worker "
                                                      + settings.workerId() + " is stopping (" + mode.stopReason()
                                                      + ")");
                }
                yield "resumed " + settings.workerId();
            }
            default -> state.status().toJson();
        };
    }

    /**
     * Stops or restarts grabbing on every job route; jobs in flight go on, connections stay up. Does nothing once
     * the worker is stopping (its drain has stopped grabbing for good) and then returns {@code false}.
     */
    private boolean setGrabbing(CamelContext context, boolean grab) throws Exception {
        return mode.changeGrabbing(grab, () -> {
            for (GearmanConsumer consumer : jobConsumers(context)) {
                if (grab) {
                    ServiceHelper.resumeService(consumer);
                } else {
                    ServiceHelper.suspendService(consumer);
                }
            }
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
}
