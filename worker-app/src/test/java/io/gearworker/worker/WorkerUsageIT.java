package io.gearworker.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command-line contract: usage errors exit 2 naming the bad option, {@code --help} works on every command, and
 * options also come from the environment and {@code application.properties}, the command line winning.
 * <p>
 * Parsing and validation run in-process through {@link WorkerMain#commandLine()} (no worker starts, nothing calls
 * System.exit); what depends on the process's environment or working directory runs the packaged jar.
 */
class WorkerUsageIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    /** What one in-process command line did. */
    record Outcome(int code, String out, String err) {
    }

    static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = WorkerMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(WorkerMain.withDefaultCommand(args));
        return new Outcome(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--concurrency      | 0               | --concurrency",
            "--concurrency      | many            | --concurrency",
            "--servers          | nohost:notaport | --servers",
            "--servers          | ''              | --servers",
            "--shutdown-timeout | soon            | --shutdown-timeout",
            "--shutdown-timeout | 0s              | --shutdown-timeout",
            "--routes           | /no/such        | --routes",
            "--worker-id        | 'a b'           | --worker-id",
            "--http-port        | 70000           | --http-port",
            "--http-port        | -1              | --http-port",
            "--http-port        | web             | --http-port" })
    void aBadRunOptionExits2NamingTheOption(String option, String value, String named) {
        for (String[] args : List.of(new String[] { option, value }, new String[] { "run", option, value })) {
            Outcome o = execute(args);

            assertThat(o.code()).as(String.join(" ", args) + "\n" + o.err()).isEqualTo(2);
            assertThat(o.err().lines().findFirst().orElse("")).as(o.err()).contains(named);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "run", "submit", "workers" })
    void anUnknownOptionExits2NamingIt(String command) {
        Outcome o = execute(command, "--no-such-option", "-f", "reverse");

        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().lines().findFirst().orElse("")).contains("--no-such-option");
    }

    @Test
    void badSubmitOptionsExit2NamingThem() {
        Outcome count = execute("submit", "-f", "reverse", "--count", "0");
        assertThat(count.code()).as(count.err()).isEqualTo(2);
        assertThat(count.err()).contains("--count");

        Outcome priority = execute("submit", "-f", "reverse", "--priority", "urgent");
        assertThat(priority.code()).as(priority.err()).isEqualTo(2);
        assertThat(priority.err()).contains("--priority");

        Outcome noFunction = execute("submit", "payload");
        assertThat(noFunction.code()).as(noFunction.err()).isEqualTo(2);
        assertThat(noFunction.err()).contains("--function");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "--help", "run --help", "submit --help", "workers --help", "run -h", "help", "help submit" })
    void helpWorksOnEveryCommandAndExits0(String args) {
        Outcome o = execute(args.split(" "));

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).startsWith("Usage: gearman-worker");
        assertThat(o.err()).isEmpty();
    }

    @Test
    void optionsFromTheEnvironmentAreValidatedToo() {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .env("GEARMAN_CONCURRENCY", "0").start()) {
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isEqualTo(2);
            assertThat(worker.stderr().lines().findFirst().orElse("")).contains("--concurrency");
            assertThat(worker.events()).as("no worker started").isEmpty();
        }
    }

    @Test
    void applicationPropertiesInTheWorkingDirectoryIsUsedAndTheCommandLineWins(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("application.properties"), "gearman.concurrency=3\n");

        try (WorkerProcessHandle fromFile = WorkerProcessHandle.builder(GEARMAND.servers())
                .workingDirectory(dir).start();
             WorkerProcessHandle fromCommandLine = WorkerProcessHandle.builder(GEARMAND.servers())
                .workingDirectory(dir).args("--concurrency", "2").start()) {
            fromFile.awaitEvent(READY, LIMIT);
            fromCommandLine.awaitEvent(READY, LIMIT);

            // a job slot is a worker connection: gearmand sees one per slot
            await().atMost(LIMIT).untilAsserted(() -> {
                assertThat(slots(fromFile.workerId(), "sleep")).isEqualTo(3);
                assertThat(slots(fromCommandLine.workerId(), "sleep")).isEqualTo(2);
            });
            assertThat(fromFile.stderr()).contains("with 3 slot(s)");
            assertThat(fromCommandLine.stderr()).contains("with 2 slot(s)").doesNotContain("with 3 slot(s)");

            fromFile.signal("TERM");
            fromCommandLine.signal("TERM");
            assertThat(fromFile.awaitExit(LIMIT)).as(fromFile.diagnostics()).isZero();
            assertThat(fromCommandLine.awaitExit(LIMIT)).as(fromCommandLine.diagnostics()).isZero();
        }
    }

    private static long slots(String workerId, String function) throws IOException {
        List<AdminClient.WorkerLine> lines = Gearman.ADMIN.workers(GEARMAND.address());
        return lines.stream().filter(w -> workerId.equals(w.clientId()) && w.functions().contains(function)).count();
    }
}
