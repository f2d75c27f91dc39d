package io.gearworker.camel.gearman.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/** Test-side access to gearmand through the protocol layer: clients, one-shot calls, admin status. */
public final class Gearman {

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-client-reader");
        t.setDaemon(true);
        return t;
    });

    public static final AdminClient ADMIN = new AdminClient(Duration.ofSeconds(2));

    private Gearman() {
    }

    /** A function name no other test (nor an earlier run against the same gearmand) uses. */
    public static String uniqueFunction(String prefix) {
        return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** A client with the default payload limit; close it after use. */
    public static GearmanClient client(ServerAddress... servers) {
        return new GearmanClient(List.of(servers), new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                Duration.ofSeconds(2), READERS);
    }

    /** Submits one foreground job on a fresh connection and waits at most {@code limit} for its result. */
    public static String call(ServerAddress server, String function, String payload, Duration limit) {
        try (GearmanClient c = client(server)) {
            byte[] data = c.submit(JobRequest.foreground(function, payload.getBytes(StandardCharsets.UTF_8)))
                    .orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).join().data();
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** The function's line of gearmand's {@code status}; total/running 0 when gearmand does not know it. */
    public static FunctionStatus status(ServerAddress server, String function) {
        try {
            return ADMIN.status(server).stream().filter(s -> s.function().equals(function)).findFirst()
                    .orElse(new FunctionStatus(function, 0, 0, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of the workers gearmand lists as able to do the function. */
    public static List<String> workersOf(ServerAddress server, String function) {
        try {
            return ADMIN.workers(server).stream().filter(w -> w.functions().contains(function))
                    .map(AdminClient.WorkerLine::clientId).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
