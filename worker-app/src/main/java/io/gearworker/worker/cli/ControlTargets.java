package io.gearworker.worker.cli;

import java.io.IOException;
import java.util.List;

import io.gearworker.worker.fleet.ControlSecret;
import io.gearworker.worker.fleet.Fleet;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which workers a control command addresses ({@code --all} or {@code --worker ID…}) and the secret they need. */
public final class ControlTargets {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--all", required = true, description = "Every worker with a control function.")
        boolean all;

        @Option(names = "--worker", required = true, arity = "1..*", paramLabel = "ID", description = "Worker ids.")
        List<String> ids;
    }

    @Option(names = "--control-secret", paramLabel = "SECRET",
            description = "Secret the workers require (env GEARMAN_CONTROL_SECRET).")
    String controlSecret;

    /** The secret as the workers hold it ({@link ControlSecret#normalise}); a blank one is a usage error. */
    String secret(CommandLine commandLine) {
        return normalisedSecret(commandLine, controlSecret);
    }

    static String normalisedSecret(CommandLine commandLine, String given) {
        try {
            return ControlSecret.normalise(given);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage());
        }
    }

    /** The chosen workers found in the fleet. */
    Fleet.Selection select(Fleet fleet) throws IOException {
        return fleet.select(choice.all ? null : choice.ids);
    }
}
