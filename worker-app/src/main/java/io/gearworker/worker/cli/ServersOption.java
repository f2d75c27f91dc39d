package io.gearworker.worker.cli;

import java.util.List;

import io.gearworker.camel.gearman.protocol.ServerAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --servers} option the client commands share, parsed with an error that names it. */
public final class ServersOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--servers", defaultValue = "127.0.0.1:4730", paramLabel = "host:port[,host:port…]",
            description = "gearmand servers (default: ${DEFAULT-VALUE}).")
    String servers;

    List<ServerAddress> addresses() {
        try {
            return ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--servers '" + servers + "': " + e.getMessage());
        }
    }
}
