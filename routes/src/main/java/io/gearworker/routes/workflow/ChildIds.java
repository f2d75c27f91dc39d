package io.gearworker.routes.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.GearmanJob;
import org.apache.camel.Exchange;

/**
 * Unique ids for the jobs a parent job submits: {@code <parent function>/<parent key>/<attempt>/<child>}, where the
 * parent key is the parent's unique id (its handle when the client gave none) and the attempt is a random token
 * drawn once per run of the parent. An id longer than gearmand's limit is replaced by a hash of it.
 * <p>
 * Why a fresh attempt: when a parent runs again (its worker was killed, or handed it back at the shutdown timeout)
 * gearmand gives the new run the same handle and unique id, and its children of the first run that were still
 * queued have lost their only client. gearmand keeps such a job but silently drops it, and every client that
 * joins it later by the same unique id, when a worker reaches it. Children under the first run's ids would never
 * answer; under the new attempt's ids every child is submitted afresh and runs. The price: children that had
 * finished or were running when the first run ended run again.
 * <p>
 * Within one run the ids stay the same, so a second submission of a child by that run (Camel redelivery, a retry
 * after a lost answer) joins the job gearmand still has instead of starting another.
 */
public final class ChildIds {

    /** gearmand 1.1 keeps at most 64 bytes of a unique id; stay below. */
    static final int MAX_BYTES = 63;

    /** Exchange property: this run's attempt token, drawn by the first child id asked for. */
    static final String ATTEMPT = "GearworkerWorkflowAttempt";

    private ChildIds() {
    }

    /** The id of the parent's child {@code child} (an index, a step name) in this run of the parent. */
    public static String of(Exchange parent, String child) {
        GearmanJob job = parent.getProperty(GearmanConstants.JOB, GearmanJob.class);
        String id = job == null
                ? "exchange/" + parent.getExchangeId() + "/" + child
                : job.function() + "/" + parentKey(job) + "/" + attempt(parent) + "/" + child;
        return fit(id);
    }

    private static String parentKey(GearmanJob job) {
        String unique = job.uniqueId();
        return unique == null || unique.isEmpty() ? job.handle() : unique;
    }

    /** 32 random bits per run: two runs of one parent share children only with odds of 1 in 4 billion. */
    private static String attempt(Exchange parent) {
        String attempt = parent.getProperty(ATTEMPT, String.class);
        if (attempt == null) {
            attempt = String.format("%08x", ThreadLocalRandom.current().nextInt());
            parent.setProperty(ATTEMPT, attempt);
        }
        return attempt;
    }

    static String fit(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BYTES) {
            return id;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 48);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
