package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.gearworker.camel.gearman.protocol.AdminClient.FunctionStatus;
import io.gearworker.camel.gearman.protocol.AdminClient.WorkerLine;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.camel.gearman.test.HostileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** gearmand's admin text with hostile function names: the real functions are still read, the rest is counted. */
class AdminClientIT {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    /** A server whose only function is the one a test queues: its name is the first line of every reply. */
    @RegisterExtension
    static GearmandExtension fresh = new GearmandExtension();

    @Test
    void hostileNamesNeitherFailTheCommandsNorHideRealFunctions() throws Exception {
        AdminClient admin = new AdminClient(Duration.ofSeconds(2));
        String real = Gearman.uniqueFunction("zz_real"); // sorts after the hostile names in gearmand's listing
        try (GearmanClient client = Gearman.client(gearmand.address());
             HostileNames hostile = HostileNames.against(gearmand.address())) {
            client.submit(JobRequest.background(real, new byte[0])).join();

            List<FunctionStatus> status = admin.status(gearmand.address());
            List<WorkerLine> workers = admin.workers(gearmand.address());

            assertThat(status).contains(new FunctionStatus(real, 1, 0, 0));
            assertThat(status).extracting(FunctionStatus::function).contains("brk\nx", "has space");
            assertThat(workers).filteredOn(w -> w.clientId().equals(HostileNames.CLIENT_ID)).singleElement()
                    .extracting(WorkerLine::functions).asList().contains("brk\nx");
            assertThat(admin.anomalies()).isPositive();
        }
    }

    @Test
    void aFunctionNamedLikeARefusalIsAFunction() throws Exception {
        AdminClient admin = new AdminClient(Duration.ofSeconds(2));
        String name = "ERR UNKNOWN_COMMAND x";
        try (GearmanClient client = Gearman.client(fresh.address())) {
            client.submit(JobRequest.background(name, new byte[0])).join();

            assertThat(admin.status(fresh.address())).containsExactly(new FunctionStatus(name, 1, 0, 0));
        }
    }
}
