package io.gearworker.worker.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The control protocol with a secret: the secret never travels, each command carries a proof of it and each answer
 * is signed with it. A command is {@code <command> v1 <epoch-seconds> <nonce> <mac>}, the MAC an HMAC-SHA256 keyed
 * by the secret over the command, the worker id, the time and the nonce: bound to one worker and one moment, so a
 * rogue that registers {@code _worker_<id>} learns nothing it can reuse elsewhere or later. An answer is
 * {@code v1 <mac> <body>}, the MAC over the worker id, the command, the request's nonce and the body: a rogue that
 * swallows a command cannot forge the answer, nor replay an older one.
 */
public final class ControlProof {

    /** The protocol version, the first word after the command. */
    public static final String VERSION = "v1";
    /** How far the client's clock may be from the worker's; the worker remembers nonces for twice as long. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    /** A command as the worker received it: its parts, not yet verified. */
    public record Request(String command, long epochSecond, String nonce, String mac) {

        /** The parts of {@code <command> v1 <ts> <nonce> <mac>}; {@code null} when the workload is not one. */
        public static Request parse(String workload) {
            String[] parts = workload.strip().split(" ", -1);
            if (parts.length != 5 || !parts[1].equals(VERSION) || !parts[2].matches("[0-9]{1,12}")
                    || !parts[3].matches("[0-9a-f]{32}") || !parts[4].matches("[0-9a-f]{64}")) {
                return null;
            }
            return new Request(parts[0], Long.parseLong(parts[2]), parts[3], parts[4]);
        }
    }

    private final SecretKeySpec key;

    /** @param secret the normalised secret ({@link ControlSecret#normalise}) */
    public ControlProof(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A fresh nonce: 128 random bits, hex. */
    public static String newNonce() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return HEX.formatHex(nonce);
    }

    /** The workload that asks worker {@code workerId} to run {@code command}. */
    public String request(String command, String workerId, long epochSecond, String nonce) {
        return command + " " + VERSION + " " + epochSecond + " " + nonce + " "
               + mac("command", command, workerId, Long.toString(epochSecond), nonce);
    }

    /** Whether the request's MAC is the one this secret gives for this worker (constant-time comparison). */
    public boolean verify(Request request, String workerId) {
        String expected = mac("command", request.command(), workerId, Long.toString(request.epochSecond()),
                request.nonce());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                request.mac().getBytes(StandardCharsets.US_ASCII));
    }

    /** The signed answer to a verified request. */
    public String answer(String workerId, Request request, String body) {
        return VERSION + " " + mac("answer", workerId, request.command(), request.nonce(), body) + " " + body;
    }

    /**
     * The body of a signed answer to the request sent with {@code nonce}.
     *
     * @throws IOException when the answer is not signed with this secret for that request; the message never
     *                     quotes the answer (whoever answered may have made it up)
     */
    public String verifiedBody(String workerId, String command, String nonce, String signed) throws IOException {
        String prefix = VERSION + " ";
        int bodyStart = prefix.length() + 65;
        if (signed == null || signed.length() < bodyStart || !signed.startsWith(prefix)
                || signed.charAt(bodyStart - 1) != ' ') {
            throw new IOException("the answer is not signed with the control secret");
        }
        String body = signed.substring(bodyStart);
        String expected = mac("answer", workerId, command, nonce, body);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signed.substring(prefix.length(), bodyStart - 1).getBytes(StandardCharsets.US_ASCII))) {
            throw new IOException("the answer is not signed with the control secret");
        }
        return body;
    }

    /** HMAC-SHA256 over the fields, each length-prefixed so no two field lists give the same input. */
    private String mac(String... fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String field : fields) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                mac.update(bytes);
            }
            return HEX.formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
