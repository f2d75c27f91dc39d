package io.gearworker.worker.runtime;

import java.util.HashMap;
import java.util.Map;

import io.gearworker.worker.fleet.ControlProof;

/**
 * Accepts a verified control command once, and only while it is fresh: its time within
 * {@link ControlProof#CLOCK_SKEW} of the worker's clock, its nonce never seen. Nonces are remembered only as long as
 * their command could still be fresh, and at most {@link #MAX_NONCES} of them: only holders of the secret can add
 * one, and past the cap new commands wait (refused) until old nonces expire rather than memory growing.
 */
final class ReplayGuard {

    static final int MAX_NONCES = 10_000;

    private final Map<String, Long> seenUntil = new HashMap<>();

    /** Why the command is refused, or {@code null} when it is fresh and now used up. */
    synchronized String refusal(String nonce, long commandSecond, long nowSecond) {
        long skew = ControlProof.CLOCK_SKEW.toSeconds();
        if (Math.abs(nowSecond - commandSecond) > skew) {
            return "its time is more than " + skew + " s from this worker's clock";
        }
        seenUntil.values().removeIf(until -> until < nowSecond);
        if (seenUntil.containsKey(nonce)) {
            return "replayed";
        }
        if (seenUntil.size() >= MAX_NONCES) {
            return "too many commands within " + skew + " s";
        }
        seenUntil.put(nonce, commandSecond + skew);
        return null;
    }
}
