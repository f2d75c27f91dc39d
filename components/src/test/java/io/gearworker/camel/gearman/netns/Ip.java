package io.gearworker.camel.gearman.netns;

import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.ExternalProcess.Result;

/** Runs the network tools ({@code ip}, {@code nft}, {@code ss}) that build and break the lab, each with a limit. */
final class Ip {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private Ip() {
    }

    /** Runs the command; a non-zero exit or a timeout is an {@link IllegalStateException} carrying its output. */
    static String run(String... command) {
        Result r = ExternalProcess.run(LIMIT, command);
        if (r.timedOut() || r.exitCode() != 0) {
            throw new IllegalStateException("network command failed: " + r);
        }
        return r.stdout();
    }

    /** Runs the command, reporting only whether it succeeded (for probes and best-effort cleanup). */
    static boolean tryRun(String... command) {
        Result r = ExternalProcess.run(LIMIT, command);
        return !r.timedOut() && r.exitCode() == 0;
    }

    /** The names of all network namespaces on this machine. */
    static List<String> namespaces() {
        return run("ip", "netns", "list").lines()
                .map(line -> line.split(" ", 2)[0]) // "name (id: 3)"
                .filter(name -> !name.isBlank())
                .toList();
    }

    /** Kills every process left inside the namespace, then deletes it (its veth pair goes with it). */
    static void deleteNamespace(String namespace) {
        for (String pid : ExternalProcess.run(LIMIT, "ip", "netns", "pids", namespace).stdout().split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        tryRun("ip", "netns", "delete", namespace);
    }
}
