package io.gearworker.camel.gearman.netns;

import java.time.Duration;

/**
 * The short liveness settings of the network fault tests: an ECHO every 2 s, answered within 1 s, so a silently lost
 * server must be noticed within the liveness bound of 3 s.
 */
final class FaultTiming {

    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);
    /** heartbeatInterval + answerTimeout. */
    static final Duration LIVENESS_BOUND = HEARTBEAT_INTERVAL.plus(ANSWER_TIMEOUT);
    /**
     * What an observer adds to the bound: the watchdog enforces a deadline up to one tick (100 ms here) late, and the
     * test polls every 100 ms on a shared 2-core machine.
     */
    static final Duration OBSERVATION_SLACK = Duration.ofMillis(500);

    private FaultTiming() {
    }

    /** Endpoint options that give every connection these settings and a quick reconnect. */
    static String options() {
        return "heartbeatInterval=" + HEARTBEAT_INTERVAL.toMillis() + "&answerTimeout=" + ANSWER_TIMEOUT.toMillis()
               + "&reconnectDelay=100&maxReconnectDelay=1000";
    }
}
