package io.gearworker.camel.gearman;

import java.time.Instant;

import io.gearworker.camel.gearman.protocol.ServerAddress;

/**
 * A consumer's view of one gearmand server at one moment: how many of its connections to that server are
 * registered (worker id and function sent), how often it had to reconnect, and the last connection error.
 *
 * @param server        the gearmand server
 * @param connected     connections to this server that are registered now
 * @param connections   connections this consumer keeps to this server (one per job slot)
 * @param reconnects    connection attempts that followed a lost or failed connection, since the consumer started
 * @param lastError     the last connection error, or null when none happened
 * @param lastErrorTime when {@code lastError} happened, or null
 */
public record ServerStatus(ServerAddress server, int connected, int connections, long reconnects, String lastError,
                           Instant lastErrorTime) {

    /** At least one connection to this server is registered: it can hand this consumer jobs. */
    public boolean isConnected() {
        return connected > 0;
    }
}
