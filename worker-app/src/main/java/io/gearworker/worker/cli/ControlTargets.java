package io.gearworker.worker.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

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

    /** The chosen workers found in the fleet. */
    record Selection(List<WorkersCommand.Worker> found, List<String> missing) {
    }

    Selection select(Map<String, WorkersCommand.Worker> fleet) throws IOException {
        List<WorkersCommand.Worker> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (choice.all) {
            fleet.values().stream().filter(WorkersCommand.Worker::hasControlFunction).forEach(found::add);
        } else {
            for (String id : choice.ids) {
                WorkersCommand.Worker w = fleet.get(id);
                if (w == null || !w.hasControlFunction()) {
                    missing.add(id);
                } else {
                    found.add(w);
                }
            }
        }
        return new Selection(found, missing);
    }
}
