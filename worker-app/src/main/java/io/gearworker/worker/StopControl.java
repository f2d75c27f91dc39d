package io.gearworker.worker;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.main.MainSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a worker is asked to leave. The first request wins and names the exit reason; it logs
 * {@code stopping} and completes camel-main, whose graceful shutdown then stops grabbing and drains. Later
 * requests are logged and ignored, so a SIGTERM during a max-jobs drain changes nothing.
 */
final class StopControl {

    private static final Logger LOG = LoggerFactory.getLogger(StopControl.class);

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final MainSupport main;
    private final EventLog events;
    private final JobCounter jobs;

    StopControl(MainSupport main, EventLog events, JobCounter jobs) {
        this.main = main;
        this.events = events;
        this.jobs = jobs;
    }

    /** Asks the worker to drain and exit. Safe from any thread, including a signal handler; never blocks. */
    void request(String why) {
        if (reason.compareAndSet(null, why)) {
            LOG.info("Stopping ({}): no new jobs; {} job(s) done so far", why, jobs.done());
            events.stopping(why, jobs.done());
            main.completed();
        } else {
            LOG.info("Already stopping ({}); ignoring {}", reason.get(), why);
        }
    }

    /** The reason of the first request, or {@code null} if none came. */
    String reason() {
        return reason.get();
    }
}
