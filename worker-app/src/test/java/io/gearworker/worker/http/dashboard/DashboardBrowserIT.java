package io.gearworker.worker.http.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.protocol.GearmanClient;
import io.gearworker.camel.gearman.protocol.JobRequest;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import io.gearworker.worker.DashboardProcess;
import io.gearworker.worker.SignedControl;
import io.gearworker.worker.WorkerProcessHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static io.gearworker.worker.runtime.EventType.JOB_STARTED;
import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard page in a real headless browser: Debian's Chromium driven through its chromedriver
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; {@code -Dchromium.path} / {@code -Dchromedriver.path} to
 * change) by Selenium, against a real gearmand, three worker processes with a control secret, and the dashboard
 * process. The page shows the live workers and their states, a function's queued count follows gearmand, and the
 * quiet button quiets a worker (with the secret typed in) and the page shows it within 2 s; a fleet-wide action
 * asks first, and nothing happens when the question is cancelled.
 */
class DashboardBrowserIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String SECRET = "browser-s3cret";

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @TempDir
    Path profile;

    @Test
    void thePageShowsTheLiveFleetFollowsTheQueueAndQuietsAWorker() throws Exception {
        List<WorkerProcessHandle> workers = new ArrayList<>();
        try (GearmanClient client = Gearman.client(GEARMAND.address())) {
            for (String name : List.of("page-a", "page-b", "page-c")) {
                workers.add(WorkerProcessHandle.builder(GEARMAND.servers())
                        .workerId(WorkerProcessHandle.uniqueWorkerId(name))
                        .env("GEARMAN_CONTROL_SECRET", SECRET).start());
            }
            workers.forEach(w -> w.awaitEvent(READY, LIMIT));
            List<String> args = new ArrayList<>(List.of("--servers", GEARMAND.servers(), "--control-secret", SECRET,
                    "--allow-actions", "--log"));
            workers.forEach(w -> args.add(w.eventLog().toString()));

            try (DashboardProcess dashboard = DashboardProcess.start(args.toArray(String[]::new));
                 Browser browser = new Browser(profile)) {
                WebDriver page = browser.driver;
                page.get(dashboard.url().toString());

                // the three live workers, running
                for (WorkerProcessHandle w : workers) {
                    awaitText(page, LIMIT, stateOf(w), "running");
                    assertThat(page.findElement(By.cssSelector(row(w) + " td.host")).getText())
                            .isEqualTo("127.0.0.1 / " + w.pid());
                }
                By sleepQueued = By.cssSelector("#functions tr[data-function='sleep'] td.queued");
                awaitText(page, LIMIT, sleepQueued, "0");

                // every slot busy with a long job, then four more: gearmand queues them, the page follows
                for (int i = 0; i < 3; i++) {
                    client.submit(JobRequest.background("sleep", "20000".getBytes(StandardCharsets.UTF_8)))
                            .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
                }
                for (WorkerProcessHandle w : workers) {
                    w.awaitEvent(JOB_STARTED, LIMIT);
                }
                for (int i = 0; i < 4; i++) {
                    client.submit(JobRequest.background("sleep", "10".getBytes(StandardCharsets.UTF_8)))
                            .orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
                }
                awaitText(page, Duration.ofSeconds(5), sleepQueued, "4");
                assertThat(page.findElement(By.cssSelector("#functions tr[data-function='sleep'] td.running"))
                        .getText()).isEqualTo("3");
                // the event logs: the three long jobs started, none ended yet; the chart has its 30 bars
                awaitText(page, Duration.ofSeconds(5), By.cssSelector("#event-counts [data-count='started'] b"), "3");
                assertThat(page.findElements(By.cssSelector("svg#throughput rect"))).hasSize(30);

                // the quiet button: refused without the secret, done with it, shown within 2 s
                WorkerProcessHandle target = workers.get(1);
                WebElement quiet = page.findElement(By.cssSelector(row(target) + " button[data-action='quiet']"));
                quiet.click();
                awaitText(page, Duration.ofSeconds(10), By.id("action-result"),
                        "wrong or missing control secret (X-Control-Secret)");
                assertThat(page.findElement(By.cssSelector(stateCss(target))).getText()).isEqualTo("running");

                page.findElement(By.id("secret")).sendKeys(SECRET);
                quiet.click();
                awaitText(page, Duration.ofSeconds(2), stateOf(target), "quiet");
                assertThat(SignedControl.call(GEARMAND.address(), target.workerId(), "status", SECRET, LIMIT))
                        .contains("\"state\":\"quiet\"");
                for (WorkerProcessHandle other : List.of(workers.get(0), workers.get(2))) {
                    assertThat(page.findElement(stateOf(other)).getText()).isEqualTo("running");
                }
                assertThat(page.findElement(By.id("action-log")).getText())
                        .contains("quiet " + target.workerId() + ": done");
                assertThat(dashboard.stderr()).doesNotContain(SECRET);
            }
        } finally {
            workers.forEach(WorkerProcessHandle::close);
        }
    }

    @Test
    void fleetWideQuietAsksFirstAndDoesNothingWhenCancelled() throws Exception {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .workerId(WorkerProcessHandle.uniqueWorkerId("page-all")).start()) {
            worker.awaitEvent(READY, LIMIT);
            try (DashboardProcess dashboard = DashboardProcess.start("--servers", GEARMAND.servers(),
                    "--allow-actions");
                 Browser browser = new Browser(profile)) {
                WebDriver page = browser.driver;
                page.get(dashboard.url().toString());
                awaitText(page, LIMIT, stateOf(worker), "running");
                WebElement quietAll = page.findElement(By.cssSelector(".all-actions button[data-action='quiet']"));

                quietAll.click();
                Alert question = new WebDriverWait(page, LIMIT).until(ExpectedConditions.alertIsPresent());
                assertThat(question.getText()).contains("every worker");
                question.dismiss();
                awaitText(page, LIMIT, By.id("action-result"), "quiet (all) cancelled");
                assertThat(Gearman.call(GEARMAND.address(), "_worker_" + worker.workerId(), "status", LIMIT))
                        .contains("\"state\":\"running\"");

                quietAll.click();
                new WebDriverWait(page, LIMIT).until(ExpectedConditions.alertIsPresent()).accept();
                awaitText(page, LIMIT, stateOf(worker), "quiet");
            }
        }
    }

    private static String row(WorkerProcessHandle w) {
        return "#workers tr[data-worker='" + w.workerId() + "']";
    }

    private static String stateCss(WorkerProcessHandle w) {
        return row(w) + " td.state";
    }

    private static By stateOf(WorkerProcessHandle w) {
        return By.cssSelector(stateCss(w));
    }

    /** Waits until the element exists and shows exactly this text. */
    private static void awaitText(WebDriver page, Duration limit, By element, String text) {
        try {
            new WebDriverWait(page, limit, Duration.ofMillis(50)).until(d -> d.findElements(element).stream()
                    .anyMatch(e -> e.getText().equals(text)));
        } catch (org.openqa.selenium.TimeoutException e) {
            List<WebElement> found = page.findElements(element);
            throw new AssertionError(element + " did not show '" + text + "' within " + limit + "; it shows "
                                     + found.stream().map(WebElement::getText).toList() + "\npage:\n"
                                     + page.findElement(By.tagName("body")).getText(), e);
        }
    }

    /** Headless Chromium with a fresh profile, through the system's chromedriver; nothing is downloaded. */
    private static final class Browser implements AutoCloseable {
        final WebDriver driver;

        Browser(Path profile) throws IOException {
            File chromium = new File(System.getProperty("chromium.path", "/usr/bin/chromium"));
            File chromedriver = new File(System.getProperty("chromedriver.path", "/usr/bin/chromedriver"));
            if (!chromium.canExecute() || !chromedriver.canExecute()) {
                throw new IllegalStateException(chromium + " or " + chromedriver + " is missing: run setup/install.sh"
                                                + " (Debian packages chromium and chromium-driver)");
            }
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                    .usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
        }

        @Override
        public void close() {
            driver.quit();
        }
    }
}
