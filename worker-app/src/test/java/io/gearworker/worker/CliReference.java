package io.gearworker.worker;

import io.gearworker.camel.gearman.docs.DocTable;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The command-line reference, from picocli's model of the commands — the same model that parses the command
 * line and prints {@code --help}, so the reference cannot drift from the code: the top command and every
 * subcommand with its synopsis, description, options (with their annotated defaults) and parameters.
 */
final class CliReference {

    private CliReference() {
    }

    static String markdown(CommandLine top) {
        StringBuilder out = new StringBuilder();
        out.append(command(top.getCommandSpec()));
        Set<CommandLine> subcommands = new LinkedHashSet<>(top.getSubcommands().values()); // aliases appear once
        for (CommandLine sub : subcommands) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                out.append('\n').append(command(sub.getCommandSpec()));
            }
        }
        return out.toString();
    }

    static String command(CommandSpec spec) {
        StringBuilder out = new StringBuilder("### ").append(spec.qualifiedName()).append("\n\n");
        String description = String.join(" ", spec.usageMessage().description()).strip();
        if (!description.isEmpty()) {
            out.append(description).append("\n\n");
        }
        Help help = new Help(spec, new Help.ColorScheme.Builder(Help.Ansi.OFF).build());
        out.append("```\n").append(help.synopsis(0).stripTrailing()).append("\n```\n\n");
        out.append(arguments(spec).markdown());
        return out.toString();
    }

    static DocTable arguments(CommandSpec spec) {
        List<List<String>> rows = new ArrayList<>();
        for (PositionalParamSpec parameter : spec.positionalParameters()) {
            if (!parameter.hidden()) {
                rows.add(List.of("`" + parameter.paramLabel() + "`", defaultValue(parameter),
                        description(parameter)));
            }
        }
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                rows.add(List.of(optionCell(option), defaultValue(option), description(option)));
            }
        }
        return new DocTable(List.of("Option", "Default", "Description"), rows);
    }

    private static String optionCell(OptionSpec option) {
        String names = String.join(", ", option.names());
        if (option.arity().max() > 0) {
            names += " " + option.paramLabel() + (option.isMultiValue() ? "…" : "");
        }
        return "`" + names + "`";
    }

    /** The default written in the annotation: not the environment or the properties file of whoever builds. */
    private static String defaultValue(ArgSpec arg) {
        return arg.defaultValue() == null ? "" : "`" + arg.defaultValue() + "`";
    }

    private static String description(ArgSpec arg) {
        return String.join(" ", arg.description()).strip();
    }
}
