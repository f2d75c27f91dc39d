package io.gearworker.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.gearworker.camel.gearman.GearmanEndpoint;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
         description = { "Run a worker: take jobs from gearmand and route them (the default command).",
                         "Every option can also be set as GEARMAN_<OPTION> in the environment or gearman.<option>"
                         + " in application.properties; the command line wins." })
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--servers", defaultValue = "127.0.0.1:4730", paramLabel = "host:port[,host:port…]",
            description = "gearmand servers to work for (default: ${DEFAULT-VALUE}).")
    String servers;

    @Option(names = "--worker-id", paramLabel = "ID",
            description = "Worker id shown by gearadmin --workers and in the event log (default: <hostname>-<pid>).")
    String workerId;

    @Option(names = "--routes", paramLabel = "file|dir",
            description = "Extra YAML routes: a file, or a directory of *.yaml / *.yml files.")
    Path routes;

    @Option(names = "--concurrency", defaultValue = "1", paramLabel = "N",
            description = "Job slots: jobs run at once, across all servers (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--shutdown-timeout", defaultValue = "30s", paramLabel = "DURATION", converter = Durations.class,
            description = "How long a stop waits for jobs in flight before handing them back to gearmand"
                          + " (Camel's shutdown timeout; default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Override
    public Integer call() {
        return new WorkerProcess(validated()).run();
    }

    WorkerSettings validated() {
        try {
            ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw usage("--servers '" + servers + "': " + e.getMessage() + "; expected host:port[,host:port…]");
        }
        if (concurrency < 1) {
            throw usage("--concurrency must be an integer >= 1, was " + concurrency);
        }
        if (workerId != null && (workerId.isBlank() || workerId.chars().anyMatch(Character::isWhitespace))) {
            throw usage("--worker-id '" + workerId + "' must be non-empty and without spaces");
        }
        if (routes != null && !Files.exists(routes)) {
            throw usage("--routes " + routes + ": no such file or directory");
        }
        if (shutdownTimeout.isZero() || shutdownTimeout.isNegative()) {
            throw usage("--shutdown-timeout must be > 0, e.g. 500ms, 30s, 2m");
        }
        String id = workerId != null ? workerId : GearmanEndpoint.defaultWorkerId();
        return new WorkerSettings(servers, id, routes, concurrency, shutdownTimeout);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
