package io.gearworker.routes.workflow;

import static io.gearworker.camel.gearman.protocol.Packet.request;
import static io.gearworker.camel.gearman.protocol.Packet.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.PacketConnection;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * A foreground client that keeps everything gearmand tells it about one job: the WORK_STATUS updates in order,
 * then how the job ended (WORK_COMPLETE, WORK_FAIL, or WORK_EXCEPTION with its message, asked for with OPTION_REQ
 * {@code exceptions}). One connection per job.
 */
final class ProgressClient {

    /** What the client saw: statuses as {@code k/N}, the final packet type and its text. */
    record Outcome(List<String> statuses, PacketType end, String text, long millis) {
    }

    private ProgressClient() {
    }

    /** Submits the job in the background of the test; the future completes when the job ended. */
    static CompletableFuture<Outcome> submit(ServerAddress server, String function, String workload) {
        PacketConnection c;
        try {
            c = PacketConnection.open(server, new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                    Duration.ofSeconds(2));
            c.send(request(PacketType.OPTION_REQ, text("exceptions")),
                    request(PacketType.SUBMIT_JOB, text(function), text(""), text(workload)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
            List<String> statuses = new ArrayList<>();
            try (c) {
                while (true) {
                    Packet p = c.receive();
                    switch (p.type()) {
                        case WORK_STATUS -> statuses.add(p.textArgument(1) + "/" + p.textArgument(2));
                        case WORK_COMPLETE, WORK_EXCEPTION -> {
                            return new Outcome(statuses, p.type(), p.textArgument(1), millisSince(t0));
                        }
                        case WORK_FAIL -> {
                            return new Outcome(statuses, p.type(), "", millisSince(t0));
                        }
                        default -> {
                            // OPTION_RES, JOB_CREATED, WORK_DATA, WORK_WARNING
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Submits and waits for the end, at most {@code limit}. */
    static Outcome call(ServerAddress server, String function, String workload, Duration limit) throws Exception {
        CompletableFuture<Outcome> f = submit(server, function, workload);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("no answer to " + function + " '" + workload + "' within " + limit, e);
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
