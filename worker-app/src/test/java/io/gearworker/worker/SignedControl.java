package io.gearworker.worker;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.worker.fleet.ControlProof;

/** A control command sent the way the CLI sends it with a secret: with a proof, its signed answer verified. */
public final class SignedControl {

    private SignedControl() {
    }

    /** The body of the worker's verified answer to {@code command}. */
    public static String call(ServerAddress server, String workerId, String command, String secret, Duration limit)
            throws IOException {
        ControlProof proof = new ControlProof(secret);
        String nonce = ControlProof.newNonce();
        String signed = Gearman.call(server, "_worker_" + workerId,
                proof.request(command, workerId, Instant.now().getEpochSecond(), nonce), limit);
        return proof.verifiedBody(workerId, command, nonce, signed);
    }
}
