package io.gearworker.camel.gearman.test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The kit against a real gearmand, with the {@code gearman} CLI (gearman-tools) as the worker. */
class GearmandServerIT {

    @RegisterExtension
    static GearmandServer gearmand = new GearmandServer();

    private Process worker;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroyForcibly().waitFor();
        }
    }

    @Test
    void submitReturnsTheWorkersResultAndWorkersListsItsConnection() throws IOException {
        worker = new ProcessBuilder("gearman", "-h", gearmand.host(), "-p", String.valueOf(gearmand.port()),
                "-w", "-f", "upper", "--", "tr", "a-z", "A-Z").redirectErrorStream(true).start();

        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().connectionsFor("upper") == 1);
        assertThat(gearmand.submit("upper", "route test")).isEqualTo("ROUTE TEST");
        assertThat(gearmand.workers()).extracting(GearmanTestClient.Worker::functions).contains(List.of("upper"));
        assertThat(gearmand.client().status("upper")).isEqualTo(new GearmanTestClient.FunctionStatus("upper", 0, 0, 1));
    }

    @Test
    void aJobNobodyServesTimesOutWithTheFunctionNamed() {
        assertThatThrownBy(() -> gearmand.submit("nobody_serves_this", "x", Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nobody_serves_this");
    }

    @Test
    void aMissingGearmandSaysWhichPackageToInstall() {
        String before = System.setProperty("gearmand.path", "/nonexistent/gearmand");
        GearmandServer missing;
        try {
            missing = new GearmandServer();
        } finally {
            if (before == null) {
                System.clearProperty("gearmand.path");
            } else {
                System.setProperty("gearmand.path", before);
            }
        }
        assertThatThrownBy(() -> missing.beforeAll(null))
                .hasMessageContaining("/nonexistent/gearmand")
                .hasMessageContaining("apt-get install gearman-job-server");
    }
}
