package io.gearworker.worker.cli;

import io.gearworker.worker.report.EventLogTail;
import io.gearworker.worker.report.EventReport;
import io.gearworker.worker.report.LocalProcesses;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "report", mixinStandardHelpOptions = true,
         description = "The status report from worker event logs (the JSON lines workers write on stdout): jobs "
                       + "started, ended, failed, in flight, run twice, lost; jobLoad; worker exits by reason. A "
                       + "file that does not exist yet counts as empty; a line that is not an event counts as "
                       + "garbled. lost stays 0 while a worker in the logs still runs (in flight carries those "
                       + "jobs); a worker whose process is gone from this host without an exit event counts as "
                       + "exited (reason killed). --json prints the same figures as one JSON object, for scripts. "
                       + "Exit 0; 2 on a usage error.")
public final class ReportCommand implements Callable<Integer> {

    /** A worker whose process is gone from this host counts as exited (killed), so lost becomes final. */
    private final EventReport.Liveness liveness = new LocalProcesses();

    /** ANSI: cursor home, clear screen. */
    private static final String CLEAR = "\033[H\033[2J";

    @Spec
    CommandSpec spec;

    @Option(names = "--log", required = true, arity = "1..*", paramLabel = "FILE",
            description = "Event log files (several after one --log, or --log repeated).")
    List<Path> logs;

    @Option(names = "--follow", description = "Refresh every second until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--json",
            description = "Print the report as one JSON object (per refresh with --follow): date, started, "
                          + "ended, failed, inFlight, runTwice, lost, handedBack, jobLoad, workerExits, "
                          + "workersRunning, exitReasons {reason: n}, garbledLines.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        for (Path log : logs) {
            if (Files.isDirectory(log)) {
                throw new ParameterException(spec.commandLine(),
                        "--log " + log + " is a directory; give the event log files, e.g. " + log
                        + "/*.events.log");
            }
        }
        EventLogTail tail = new EventLogTail(logs);
        PrintStream out = System.out;
        if (!follow) {
            tail.poll(true);
            print(out, tail, false);
            return 0;
        }
        CountDownLatch interrupted = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> interrupted.countDown());
        Signal.handle(new Signal("TERM"), s -> interrupted.countDown());
        boolean clear = !json && System.console() != null;
        long start = System.nanoTime();
        for (long tick = 1; ; tick++) {
            tail.poll(false);
            print(out, tail, clear);
            if (out.checkError()) {
                return 0; // the reader went away (e.g. | head)
            }
            long wait = start + TimeUnit.SECONDS.toNanos(tick) - System.nanoTime();
            if (interrupted.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                return 0;
            }
        }
    }

    private void print(PrintStream out, EventLogTail tail, boolean clear) {
        EventReport.Summary summary = EventReport.summarize(tail.events(), tail.garbledLines(), Instant.now(),
                liveness);
        LocalDateTime date = LocalDateTime.now();
        String text = json ? summary.json(date) + "\n" : summary.text(date);
        out.print(clear ? CLEAR + text : text);
        out.flush();
    }
}
