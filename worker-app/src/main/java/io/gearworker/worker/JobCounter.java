package io.gearworker.worker;

import java.util.concurrent.atomic.AtomicLong;

import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.camel.gearman.GearmanJobListener;

/** Writes each job's events to the event log and counts jobs done and handed back. */
final class JobCounter implements GearmanJobListener {

    private final AtomicLong done = new AtomicLong();
    private final AtomicLong handedBack = new AtomicLong();
    private final EventLog events;

    JobCounter(EventLog events) {
        this.events = events;
    }

    long done() {
        return done.get();
    }

    long handedBack() {
        return handedBack.get();
    }

    @Override
    public void jobStarted(GearmanJob job) {
        events.jobStarted(job.function(), job.handle());
    }

    @Override
    public void jobCompleted(GearmanJob job) {
        done.incrementAndGet();
        events.jobEnded(job.function(), job.handle());
    }

    @Override
    public void jobFailed(GearmanJob job, Throwable cause) {
        done.incrementAndGet();
        events.jobFailed(job.function(), job.handle(), String.valueOf(cause.getMessage()));
    }

    @Override
    public void jobHandedBack(GearmanJob job, String reason) {
        handedBack.incrementAndGet();
        events.jobHandedBack(job.function(), job.handle(), reason);
    }
}
