package io.gearworker.worker.runtime;

import java.util.concurrent.atomic.AtomicLong;

import io.gearworker.worker.fleet.ControlFunction;

import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.camel.gearman.GearmanJobListener;

/**
 * Writes each job's events to the event log and counts jobs done and handed back. Control jobs
 * ({@code _worker_<id>}) are neither logged nor counted: they are not work.
 */
public final class JobCounter implements GearmanJobListener {

    private final AtomicLong done = new AtomicLong();
    private final AtomicLong handedBack = new AtomicLong();
    private final EventLog events;
    private final WorkerMode mode;

    JobCounter(EventLog events, WorkerMode mode) {
        this.events = events;
        this.mode = mode;
    }

    long done() {
        return done.get();
    }

    /**
     * Jobs handed back while the worker was stopping: the shutdown timeout cut them off. Before the stop, a hand-back
     * is a lost connection (e.g. gearmand restarted): gearmand requeues the job, and it says nothing about how this
     * process will end.
     */
    long handedBack() {
        return handedBack.get();
    }

    @Override
    public void jobStarted(GearmanJob job) {
        if (isControl(job)) {
            return;
        }
        events.jobStarted(ref(job));
    }

    /** gearmand has evidently processed the result (the component tells only then): {@code job_ended}. */
    @Override
    public void jobCompleted(GearmanJob job) {
        if (isControl(job)) {
            return;
        }
        done.incrementAndGet();
        events.jobEnded(ref(job));
    }

    @Override
    public void jobFailed(GearmanJob job, Throwable cause) {
        if (isControl(job)) {
            return;
        }
        done.incrementAndGet();
        events.jobFailed(ref(job), String.valueOf(cause.getMessage()));
    }

    /** The connection closed before gearmand evidently had the result, which may not have arrived. */
    @Override
    public void jobHandedBack(GearmanJob job, String reason) {
        if (isControl(job)) {
            return;
        }
        if (mode.stopping()) {
            handedBack.incrementAndGet();
        }
        events.jobHandedBack(ref(job), reason);
    }

    /** The job as its events name it: the server it came from, and its unique id when it has one. */
    static EventLog.Job ref(GearmanJob job) {
        String unique = job.uniqueId() == null || job.uniqueId().isEmpty() ? null : job.uniqueId();
        return new EventLog.Job(job.function(), job.handle(), String.valueOf(job.server()), unique);
    }

    private static boolean isControl(GearmanJob job) {
        return ControlFunction.isControl(job.function());
    }
}
