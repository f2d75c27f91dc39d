package io.gearworker.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.runtime.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code report --json} over the log of a worker killed with kill -9: the report knows it exited, lost is final. */
class WorkerReportIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void aWorkerKilledMidJobCountsAsExitedKilledAndItsJobAsLost() throws IOException {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.awaitEvent(EventType.READY, LIMIT);
            ExternalProcess.Result submitted = WorkerCli.run(LIMIT, "submit", "--servers", GEARMAND.servers(),
                    "-f", "sleep", "--background", "--unique-id", "killed-mid-job", "20000");
            assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
            worker.awaitEvent(EventType.JOB_STARTED, LIMIT);

            Map<String, String> running = reportJson(worker);
            assertThat(running).containsEntry("workersRunning", "1").containsEntry("inFlight", "1")
                    .containsEntry("lost", "0");

            worker.signal("KILL");
            worker.awaitExit(LIMIT);
            Map<String, String> after = reportJson(worker);
            assertThat(after).as("the pid is gone from this host: exited, killed")
                    .containsEntry("workersRunning", "0").containsEntry("workerExits", "1")
                    .containsEntry("exitReasons.killed", "1")
                    .containsEntry("started", "1").containsEntry("inFlight", "0").containsEntry("lost", "1");
        }
    }

    /** {@code report --json --log <the worker's event log>}, flattened (nested keys as {@code outer.inner}). */
    private static Map<String, String> reportJson(WorkerProcessHandle worker) throws IOException {
        ExternalProcess.Result r = WorkerCli.run(LIMIT, "report", "--json", "--log", worker.eventLog().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> fields = new TreeMap<>();
        try (JsonParser p = new JsonFactory().createParser(r.stdout())) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            String prefix = "";
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    prefix = p.currentName() + ".";
                } else if (t == JsonToken.END_OBJECT) {
                    prefix = "";
                } else if (t != JsonToken.FIELD_NAME) {
                    fields.put(prefix + p.currentName(), p.getText());
                }
            }
        }
        return fields;
    }
}
