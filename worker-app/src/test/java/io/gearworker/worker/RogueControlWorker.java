package io.gearworker.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.PacketCodec;
import io.gearworker.camel.gearman.protocol.PacketConnection;
import io.gearworker.camel.gearman.protocol.PacketType;
import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * An attacker's worker: any Gearman client may set the client id {@code <id>} and register {@code _worker_<id>}, as
 * a real worker would. It records every workload it is sent and answers each with whatever it chooses (e.g. the
 * workload echoed, or a made-up status).
 */
final class RogueControlWorker implements AutoCloseable {

    private final PacketConnection connection;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final UnaryOperator<String> answer;
    private final Thread loop;

    RogueControlWorker(ServerAddress server, String workerId, UnaryOperator<String> answer) throws IOException {
        this.answer = answer;
        this.connection = PacketConnection.open(server, new PacketCodec(PacketCodec.DEFAULT_MAX_PAYLOAD_SIZE),
                Duration.ofSeconds(3));
        connection.send(Packet.request(PacketType.SET_CLIENT_ID, Packet.text(workerId)),
                Packet.request(PacketType.CAN_DO, Packet.text("_worker_" + workerId)));
        this.loop = new Thread(this::serve, "rogue-" + workerId);
        loop.setDaemon(true);
        loop.start();
    }

    /** Every workload received so far. */
    List<String> received() {
        return List.copyOf(received);
    }

    private void serve() {
        try {
            while (!connection.isClosed()) {
                connection.send(Packet.request(PacketType.GRAB_JOB));
                Packet p = connection.receive();
                while (p.type() == PacketType.NOOP) {
                    p = connection.receive();
                }
                if (p.type() == PacketType.NO_JOB) {
                    connection.send(Packet.request(PacketType.PRE_SLEEP));
                    while (connection.receive().type() != PacketType.NOOP) {
                        // nothing else comes before the wake-up
                    }
                } else if (p.type() == PacketType.JOB_ASSIGN) {
                    String workload = new String(p.argument(2), StandardCharsets.UTF_8);
                    received.add(workload);
                    connection.send(Packet.request(PacketType.WORK_COMPLETE, p.argument(0),
                            answer.apply(workload).getBytes(StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
