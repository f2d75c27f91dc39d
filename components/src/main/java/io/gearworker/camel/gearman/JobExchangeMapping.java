package io.gearworker.camel.gearman;

import java.io.IOException;

import io.gearworker.camel.gearman.protocol.AssignedJob;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.WorkerConnection;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NoTypeConversionAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Gearman job maps to a Camel exchange and back: the job fills the exchange (workload as body, the
 * {@code CamelGearman*} headers, the {@link GearmanJob} as exchange property), and the completed exchange becomes
 * the packets that report it (WORK_COMPLETE, or WORK_FAIL / WORK_EXCEPTION). Holds no state beyond its settings;
 * the consumer creates and releases the exchanges.
 */
final class JobExchangeMapping {

    private static final Logger LOG = LoggerFactory.getLogger(JobExchangeMapping.class);
    private static final byte[] EMPTY = new byte[0];

    private final int maxPayloadSize;
    private final boolean sendExceptions;

    /**
     * @param maxPayloadSize the largest result gearmand is sent; a larger one fails the job instead
     * @param sendExceptions report a failure with WORK_EXCEPTION (its message) rather than WORK_FAIL
     */
    JobExchangeMapping(int maxPayloadSize, boolean sendExceptions) {
        this.maxPayloadSize = maxPayloadSize;
        this.sendExceptions = sendExceptions;
    }

    /** Fills a fresh exchange from the job gearmand assigned. */
    void fill(Exchange exchange, AssignedJob assigned, GearmanJob job) {
        Message in = exchange.getIn();
        in.setBody(assigned.workload());
        in.setHeader(GearmanConstants.FUNCTION, assigned.function());
        in.setHeader(GearmanConstants.JOB_HANDLE, assigned.handle());
        in.setHeader(GearmanConstants.UNIQUE_ID, assigned.uniqueId());
        in.setHeader(GearmanConstants.SERVER, assigned.server().toString());
        exchange.setProperty(GearmanConstants.JOB, job);
    }

    /**
     * The packets that report a completed exchange: WORK_COMPLETE, or WORK_FAIL / WORK_EXCEPTION. Records the
     * outcome on the job, for the listeners told once gearmand confirmed it.
     */
    Packet[] outcome(GearmanJob job, Exchange exchange) {
        Throwable failure = exchange.isFailed() ? failureOf(exchange) : null;
        byte[] result = null;
        if (failure == null) {
            try {
                result = resultOf(exchange);
                if (result.length > maxPayloadSize) {
                    failure = new IOException("result of " + result.length + " bytes exceeds maxPayloadSize "
                                              + maxPayloadSize);
                }
            } catch (NoTypeConversionAvailableException e) {
                // a result we cannot send fails the job: WORK_COMPLETE with an empty result would hide it
                exchange.setException(e);
                failure = e;
            }
        }
        if (failure == null) {
            job.outcome(null);
            return new Packet[] { WorkerConnection.workComplete(job.handle(), result) };
        }
        // Camel's error handler has already logged the failure with its stack trace
        LOG.debug("Gearman job {} failed: {}", job, failure.getMessage());
        job.outcome(failure);
        if (sendExceptions) {
            // gearmand (1.1.x) ends the job on WORK_EXCEPTION: a WORK_FAIL after it is answered JOB_NOT_FOUND
            return new Packet[] { WorkerConnection.workException(job.handle(), String.valueOf(failure.getMessage())) };
        }
        return new Packet[] { WorkerConnection.workFail(job.handle()) };
    }

    private static Throwable failureOf(Exchange exchange) {
        Throwable t = exchange.getException();
        return t != null ? t : new IllegalStateException("exchange was rolled back");
    }

    private static byte[] resultOf(Exchange exchange) throws NoTypeConversionAvailableException {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return EMPTY;
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        return exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
    }
}
