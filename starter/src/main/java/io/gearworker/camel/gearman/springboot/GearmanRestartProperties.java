package io.gearworker.camel.gearman.springboot;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The restart policies, opt-in: each limit is off until set. When one is reached the gearman routes stop grabbing,
 * finish their jobs in flight, and the application ends (exit code 0 when every job finished, 3 when jobs had to be
 * handed back to gearmand), so that its supervisor or Kubernetes starts a fresh one. Ending the JVM ends the
 * application's other routes too: set these only in an application whose purpose is to be a Gearman worker.
 */
@ConfigurationProperties(prefix = "camel.component.gearman.restart")
public class GearmanRestartProperties {

    /** Restart after this many Gearman jobs (counted when grabbed, over all gearman routes). Off when unset. */
    private Integer maxJobs;

    /** A random extra of 0..this many jobs on top of max-jobs, drawn once per process. */
    private int maxJobsJitter;

    /** Restart after this much time (e.g. 30m, 2h). Off when unset. */
    private Duration maxLifetime;

    /** A random extra of 0..this on top of max-lifetime, drawn once per process. */
    private Duration maxLifetimeJitter = Duration.ZERO;

    /** Restart when the heap still holds more than this right after a garbage collection (e.g. 512MB). Off when unset. */
    private DataSize maxMemory;

    public Integer getMaxJobs() {
        return maxJobs;
    }

    public void setMaxJobs(Integer maxJobs) {
        this.maxJobs = maxJobs;
    }

    public int getMaxJobsJitter() {
        return maxJobsJitter;
    }

    public void setMaxJobsJitter(int maxJobsJitter) {
        this.maxJobsJitter = maxJobsJitter;
    }

    public Duration getMaxLifetime() {
        return maxLifetime;
    }

    public void setMaxLifetime(Duration maxLifetime) {
        this.maxLifetime = maxLifetime;
    }

    public Duration getMaxLifetimeJitter() {
        return maxLifetimeJitter;
    }

    public void setMaxLifetimeJitter(Duration maxLifetimeJitter) {
        this.maxLifetimeJitter = maxLifetimeJitter;
    }

    public DataSize getMaxMemory() {
        return maxMemory;
    }

    public void setMaxMemory(DataSize maxMemory) {
        this.maxMemory = maxMemory;
    }
}
