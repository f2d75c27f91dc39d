package io.gearworker.worker.report;

import java.time.Instant;

import io.gearworker.worker.runtime.EventLog;

/**
 * {@link EventReport.Liveness} on this host: a process that wrote {@code ready} here is alive while its pid runs and
 * that process started before its {@code ready} (otherwise the pid was reused by another process). A process on
 * another host counts as alive: nothing here can tell.
 */
public final class LocalProcesses implements EventReport.Liveness {

    private final String host = EventLog.localHost();

    @Override
    public boolean alive(String readyHost, long pid, Instant ready) {
        if (!host.equals(readyHost)) {
            return true;
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(start -> !start.isAfter(ready)).orElse(true))
                .isPresent();
    }
}
