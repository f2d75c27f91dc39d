package io.gearworker.camel.gearman.policy;

/**
 * What a restart policy does when its limit is reached. A worker application asks its process to drain and exit
 * (its supervisor starts a fresh one); the default stops the policy's routes asynchronously.
 * Called at most once per policy, never on an exchange's thread; must not block.
 */
@FunctionalInterface
public interface RestartRequest {

    /** @param reason {@code max-jobs}, {@code max-lifetime} or {@code max-memory} */
    void restart(String reason);
}
