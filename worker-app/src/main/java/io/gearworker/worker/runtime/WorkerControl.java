package io.gearworker.worker.runtime;

import java.util.List;

import io.gearworker.camel.gearman.GearmanConsumer;
import io.gearworker.worker.fleet.ControlFunction;
import io.gearworker.worker.fleet.ControlProof;
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
 * grabs again (refused once the worker is stopping). With a control secret set, every command must carry a fresh
 * proof of it ({@link ControlProof}: {@code terminate v1 <ts> <nonce> <mac>}), used once, and every answer is signed;
 * the secret itself is never accepted on the wire. Without one, the seed's plain commands work (and the worker warns
 * at start that control is open). No log line or error quotes the workload, whatever it holds. A refused or unknown
 * command fails the control job (WORK_FAIL) with a rate-limited warning line and no stack trace; routine commands
 * ({@code status}, polled every second by an open dashboard) are logged at DEBUG only.
 */
public final class WorkerControl implements Processor {

    static final List<String> COMMANDS = List.of("terminate", "status", "quiet", "resume");

    private static final Logger LOG = LoggerFactory.getLogger(WorkerControl.class);

    private final WorkerSettings settings;
    private final StopControl stop;
    private final WorkerMode mode;
    private final WorkerState state;
    private final ControlProof proof;
    private final ReplayGuard replays = new ReplayGuard();
    private final RefusalLog refusals = new RefusalLog(LOG);

    /** @param secret the normalised control secret, {@code null} for none */
    WorkerControl(WorkerSettings settings, StopControl stop, WorkerMode mode, WorkerState state, String secret) {
        this.settings = settings;
        this.stop = stop;
        this.mode = mode;
        this.state = state;
        this.proof = secret == null ? null : new ControlProof(secret);
        if (proof == null) {
            LOG.warn("No control secret set: control is open, any Gearman client can quiet or terminate this worker"
                     + " through {} (set GEARMAN_CONTROL_SECRET)", new ControlFunction(settings.workerId()));
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        // the workload may hold the secret anywhere (a client that put it first, or sent it alone): no log line
        // and no exception message ever quotes the workload, only a command known to be one
        String workload = exchange.getMessage().getBody(String.class);
        String command = (workload == null ? "" : workload.strip()).split("\\s+", 2)[0];
        if (!COMMANDS.contains(command)) {
            refusals.refused("Control command refused: unknown command (" + (workload == null ? 0 : workload.length())
                             + " characters); known: " + String.join(", ", COMMANDS));
            throw new RefusedCommandException("unknown control command; known: " + String.join(", ", COMMANDS));
        }
        ControlProof.Request request = null;
        if (proof != null) {
            request = ControlProof.Request.parse(workload);
            String refusal = request == null || !request.command().equals(command)
                             ? "no proof of the control secret"
                             : !proof.verify(request, settings.workerId()) ? "wrong proof of the control secret"
                             : replays.refusal(request.nonce(), request.epochSecond(),
                                     System.currentTimeMillis() / 1000);
            if (refusal != null) {
                refusals.refused("Control command '" + command + "' refused: " + refusal);
                throw new RefusedCommandException("control command '" + command + "' refused");
            }
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
        if (command.equals("status")) {
            LOG.debug("Control command 'status' done");
        } else {
            LOG.info("Control command '{}' done", command);
        }
        exchange.getMessage().setBody(request == null ? reply : proof.answer(settings.workerId(), request, reply));
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
                    refusals.refused("Control command 'resume' refused: stopping (" + mode.stopReason() + ")");
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
