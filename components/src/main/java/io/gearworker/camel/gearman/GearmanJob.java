package io.gearworker.camel.gearman;

import java.io.IOException;

import io.gearworker.camel.gearman.protocol.AssignedJob;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.protocol.WorkerConnection;

/**
 * A job being worked on, as a route sees it through the exchange property {@link GearmanConstants#JOB}: its
 * identity, and methods to report progress to the submitting client while the route runs. The result itself is
 * sent by the consumer when the exchange completes.
 *
 * <pre>{@code
 * GearmanJob job = exchange.getProperty(GearmanConstants.JOB, GearmanJob.class);
 * job.sendStatus(3, 10);          // WORK_STATUS: 3 of 10 done
 * job.sendData(partialBytes);     // WORK_DATA: intermediate output
 * }</pre>
 */
public final class GearmanJob {

    private final AssignedJob job;
    private final WorkerConnection connection;
    private volatile Throwable failure;

    GearmanJob(AssignedJob job, WorkerConnection connection) {
        this.job = job;
        this.connection = connection;
    }

    public String function() {
        return job.function();
    }

    public String handle() {
        return job.handle();
    }

    public String uniqueId() {
        return job.uniqueId();
    }

    public ServerAddress server() {
        return job.server();
    }

    /** WORK_STATUS: progress as numerator / denominator. */
    public void sendStatus(long numerator, long denominator) throws IOException {
        connection.sendStatus(job.handle(), numerator, denominator);
    }

    /** WORK_DATA: a chunk of intermediate output for the client. */
    public void sendData(byte[] data) throws IOException {
        connection.sendData(job.handle(), data);
    }

    /** WORK_WARNING: a warning for the client; the job goes on. */
    public void sendWarning(byte[] data) throws IOException {
        connection.sendWarning(job.handle(), data);
    }

    /** Records the route's outcome: {@code null} for success. */
    void outcome(Throwable failure) {
        this.failure = failure;
    }

    /** Why the route failed, or {@code null} when it succeeded (or is still running). */
    public Throwable failure() {
        return failure;
    }

    @Override
    public String toString() {
        return job.function() + " " + job.handle() + " from " + job.server();
    }
}
