package io.gearworker.worker;

import io.gearworker.worker.cli.ConfigDefaults;
import io.gearworker.worker.cli.DashboardCommand;
import io.gearworker.worker.cli.ReportCommand;
import io.gearworker.worker.cli.RunCommand;
import io.gearworker.worker.cli.StatusCommand;
import io.gearworker.worker.cli.SubmitCommand;
import io.gearworker.worker.cli.TerminateCommand;
import io.gearworker.worker.cli.WorkersCommand;
import io.gearworker.worker.runtime.StopSignals;

import java.util.Arrays;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** Entry point: {@code java -jar gearman-worker.jar [run|submit|workers|terminate|status|report] [options]}; {@code run} is the default. */
@Command(name = "gearman-worker", mixinStandardHelpOptions = true, version = "gearman-worker 0.1.0",
         description = "Gearman worker platform on Apache Camel.",
         subcommands = { RunCommand.class, SubmitCommand.class, WorkersCommand.class, TerminateCommand.class,
                         StatusCommand.class, ReportCommand.class, DashboardCommand.class, HelpCommand.class })
public final class WorkerMain {

    private static final Set<String> COMMANDS = Set.of("run", "submit", "workers", "terminate", "status", "report",
            "dashboard", "help");

    public static void main(String[] args) {
        skipGroovyProbe();
        String[] withCommand = withDefaultCommand(args);
        if (withCommand[0].equals("run")) {
            StopSignals.install(); // before anything slow: a SIGTERM during start-up must not be lost
            System.exit(runCommandLine().execute(Arrays.copyOfRange(withCommand, 1, withCommand.length)));
        }
        System.exit(commandLine().execute(withCommand));
    }

    /**
     * picocli looks for Groovy's {@code groovy.lang.Closure} once, to support closures in annotations; on our
     * class path that miss opens every jar of lib/ (~70 ms of a worker's ~800 ms start-up CPU). We have no Groovy.
     */
    static void skipGroovyProbe() {
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }

    /**
     * The {@code run} command alone: a worker start builds no model of the other commands (picocli reads every
     * command's annotations by reflection, in Java 5 class files that the class-data archive cannot hold).
     */
    static CommandLine runCommandLine() {
        CommandLine cl = new CommandLine(new RunCommand()).setCommandName("gearman-worker run");
        cl.setDefaultValueProvider(ConfigDefaults.forWorker());
        return cl;
    }

    static int execute(String... args) {
        return commandLine().execute(withDefaultCommand(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WorkerMain());
        cl.getSubcommands().forEach((name, sub) -> sub.setDefaultValueProvider(
                name.equals("run") ? ConfigDefaults.forWorker() : ConfigDefaults.forClients()));
        return cl;
    }

    /** No sub-command (or only options) means {@code run}; top-level --help/--version stay top-level. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (COMMANDS.contains(args[0]) || Set.of("-h", "--help", "-V", "--version")
                .contains(args[0]))) {
            return args;
        }
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        return withRun;
    }
}
