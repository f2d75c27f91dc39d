package io.gearworker.camel.gearman.springboot;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.GearmanJob;
import io.gearworker.camel.gearman.GearmanJobListener;
import io.gearworker.camel.gearman.policy.RestartRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Ends the application when a restart policy's limit is reached: closes the Spring context (Camel stops its routes,
 * the gearman consumers finish their jobs in flight within Camel's shutdown timeout), then exits the JVM with
 * {@link #EXIT_DRAINED} or, when jobs had to be handed back to gearmand, {@link #EXIT_HANDED_BACK}.
 */
final class GearmanApplicationExit implements RestartRequest, GearmanJobListener {

    /** Every job in flight finished. */
    static final int EXIT_DRAINED = 0;
    /** Camel's shutdown timeout passed with jobs unfinished; gearmand runs them again elsewhere. */
    static final int EXIT_HANDED_BACK = 3;

    private static final Logger LOG = LoggerFactory.getLogger(GearmanApplicationExit.class);

    private final ConfigurableApplicationContext applicationContext;
    private final AtomicInteger handedBack = new AtomicInteger();
    private final AtomicBoolean exiting = new AtomicBoolean();

    GearmanApplicationExit(ConfigurableApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public void jobHandedBack(GearmanJob job, String reason) {
        handedBack.incrementAndGet();
    }

    @Override
    public void restart(String reason) {
        if (!exiting.compareAndSet(false, true)) {
            return; // a second limit reached meanwhile: the first exit is under way
        }
        // never on the caller's thread: that may be an exchange's or a consumer's, which the drain waits for
        Thread exit = new Thread(() -> exit(reason), "gearman-restart-exit");
        exit.start();
    }

    private void exit(String reason) {
        LOG.info("Gearman restart limit reached ({}): finishing the jobs in flight, then exiting", reason);
        applicationContext.close();
        int code = handedBack.get() > 0 ? EXIT_HANDED_BACK : EXIT_DRAINED;
        LOG.info("Exiting with {} after {} ({} job(s) handed back to gearmand)", code, reason, handedBack.get());
        System.exit(code);
    }
}
