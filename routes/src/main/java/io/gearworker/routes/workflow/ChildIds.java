package io.gearworker.routes.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.gearworker.camel.gearman.GearmanConstants;
import io.gearworker.camel.gearman.GearmanJob;
import org.apache.camel.Exchange;

/**
 * Unique ids for the jobs a parent job submits, derived from the parent so that a parent that runs again (handed
 * back by a stopping worker, requeued by gearmand) submits its children under the same ids: gearmand then attaches
 * it to the children still running instead of starting them twice.
 * <p>
 * The parent is known by its unique id, or by its handle when the client gave none (a requeued job keeps its
 * handle). An id is {@code <parent function>/<parent key>/<child>}; one longer than gearmand's limit is replaced
 * by a hash of it.
 */
public final class ChildIds {

    /** gearmand 1.1 keeps at most 64 bytes of a unique id; stay below. */
    static final int MAX_BYTES = 63;

    private ChildIds() {
    }

    /** The id of the parent's child {@code child} (an index, a step name). */
    public static String of(Exchange parent, String child) {
        GearmanJob job = parent.getProperty(GearmanConstants.JOB, GearmanJob.class);
        String id = job == null
                ? "exchange/" + parent.getExchangeId() + "/" + child
                : job.function() + "/" + parentKey(job) + "/" + child;
        return fit(id);
    }

    private static String parentKey(GearmanJob job) {
        String unique = job.uniqueId();
        return unique == null || unique.isEmpty() ? job.handle() : unique;
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
