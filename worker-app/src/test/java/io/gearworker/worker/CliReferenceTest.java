package io.gearworker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.gearworker.camel.gearman.docs.GeneratedDocs;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** docs/cli.md holds the reference of every command as picocli's model of them says now. */
class CliReferenceTest {

    @Test
    void theCliPageMatchesTheCommands() throws IOException {
        GeneratedDocs.assertUpToDate(GeneratedDocs.repositoryRoot().resolve("docs/cli.md"),
                CliReference.markdown(new CommandLine(new WorkerMain())));
    }

    @Command(name = "tool", description = "A tool.", subcommands = Greet.class)
    static final class Tool {
    }

    @Command(name = "greet", description = "Say hello (the ${COMMAND-NAME} command).")
    static final class Greet {
        @Option(names = { "-n", "--times" }, defaultValue = "2", paramLabel = "N",
                description = "How often (default: ${DEFAULT-VALUE}).")
        int times;

        @Option(names = "--loud", description = "Shout.")
        boolean loud;

        @Option(names = "--to", paramLabel = "NAME", description = "Whom to greet.")
        List<String> to;

        @Parameters(paramLabel = "GREETING", arity = "0..1", description = "What to say.")
        String greeting;
    }

    @Test
    void everySubcommandGetsItsSynopsisDescriptionAndOneRowPerArgumentWithItsAnnotatedDefault() {
        String reference = CliReference.markdown(new CommandLine(new Tool()));

        assertThat(reference).startsWith("### tool\n\nA tool.\n\n```\ntool [COMMAND]\n```\n");
        assertThat(reference).contains("### tool greet\n\nSay hello (the greet command).\n\n```\ntool greet [--loud] [-n=N] [--to=NAME]... [GREETING]\n```\n");
        assertThat(CliReference.arguments(new CommandLine(new Greet()).getCommandSpec()).rows()).containsExactly(
                List.of("`GREETING`", "", "What to say."),
                List.of("`-n, --times N`", "`2`", "How often (default: 2)."),
                List.of("`--loud`", "", "Shout."),
                List.of("`--to NAME…`", "", "Whom to greet."));
    }
}
