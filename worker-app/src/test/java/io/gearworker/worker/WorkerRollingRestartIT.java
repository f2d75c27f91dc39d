package io.gearworker.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearworker.camel.gearman.protocol.AdminClient;
import io.gearworker.camel.gearman.test.ExternalProcess;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.gearworker.worker.runtime.EventType.EXIT;
import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code terminate --all --rolling}: against a fleet run by a real supervisord, every worker is replaced by a new
 * process while the others keep serving (gearmand never lists fewer workers for a function than the fleet minus
 * the batch), each id is printed DOWN then BACK, and the next batch starts only when the last one is back. A batch
 * that does not come back stops the rolling, leaving the rest of the fleet alone.
 */
class WorkerRollingRestartIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void oneAtATimeEveryWorkerComesBackAndNoFunctionIsLeftWithoutWorkers() throws Exception {
        rollingRestart(4, 1);
    }

    @Test
    void inBatchesOfTwo() throws Exception {
        rollingRestart(3, 2);
    }

    private void rollingRestart(int size, int batch) throws Exception {
        try (SupervisedFleet fleet = SupervisedFleet.start(GEARMAND.servers(), size,
                "--shutdown-timeout 10s --concurrency 2")) {
            List<String> ids = fleet.ids();
            // a worker registers its functions just before it writes `ready`
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> servingIds("reverse").containsAll(ids) && servingIds("sleep").containsAll(ids)
                                 && ids.stream().allMatch(id -> fleet.events(id, READY).size() == 1));
            Map<String, Long> oldPids = new ConcurrentHashMap<>();
            ids.forEach(id -> oldPids.put(id, lastReadyPid(fleet, id)));

            try (FleetSampler sampler = new FleetSampler(List.of("reverse", "sleep"));
                 SleepLoad load = new SleepLoad(3, 200)) {
                ExternalProcess.Result r = WorkerCli.run(Duration.ofMinutes(5), "terminate", "--servers",
                        GEARMAND.servers(), "--all", "--rolling", "--batch", Integer.toString(batch), "--wait",
                        LIMIT.toSeconds() + "s");

                assertThat(r.exitCode()).as(r + "\n" + fleet.diagnostics()).isZero();
                List<String> lines = r.stdout().lines().filter(l -> !l.startsWith("waiting for: ")).toList();
                assertThat(lines.subList(0, size)).as(r.toString())
                        .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "UP " + id).toList());
                List<String> order = lines.subList(0, size).stream().map(l -> l.substring(3)).toList();
                List<String> events = lines.subList(size, lines.size());
                assertThat(events).as(r.toString()).hasSize(2 * size);
                for (int from = 0; from < size; from += batch) {
                    // a batch: its DOWNs and BACKs (each id DOWN before BACK), all before the next batch's
                    List<String> batchIds = order.subList(from, Math.min(size, from + batch));
                    List<String> batchEvents = events.subList(2 * from, 2 * from + 2 * batchIds.size());
                    for (String id : batchIds) {
                        assertThat(batchEvents).as(r.toString()).contains("DOWN " + id, "BACK " + id);
                        assertThat(batchEvents.indexOf("DOWN " + id)).as(r.toString())
                                .isLessThan(batchEvents.indexOf("BACK " + id));
                    }
                }

                await().atMost(LIMIT).pollInterval(Duration.ofMillis(100))
                        .until(() -> ids.stream().allMatch(id -> fleet.events(id, READY).size() == 2));
                for (String id : ids) {
                    assertThat(fleet.events(id, EXIT)).extracting(WorkerEvent::reason).as(id)
                            .containsExactly("terminate");
                    assertThat(fleet.events(id, EXIT)).extracting(WorkerEvent::code).containsExactly(0);
                    assertThat(lastReadyPid(fleet, id)).as("a new process serves " + id).isNotEqualTo(oldPids.get(id));
                }
                load.stop();
                assertThat(load.failures).as("jobs failed during the rolling restart").isEmpty();
                assertThat(load.completed.get()).isPositive();
                sampler.stop();
                assertThat(sampler.errors).as("admin 'workers' failures").isEmpty();
                assertThat(sampler.samples.get()).as("samples taken").isGreaterThan(20);
                for (String function : List.of("reverse", "sleep")) {
                    assertThat(sampler.fewestWorkers.get(function)).as("fewest workers registered for " + function
                            + " at any sample").isGreaterThanOrEqualTo(size - batch);
                }
            }
        }
    }

    @Test
    void aWorkerThatDoesNotComeBackStopsTheRollingAndTheOthersStay() {
        // not supervised: a terminated worker stays gone
        String servers = GEARMAND.servers();
        try (WorkerProcessHandle a = WorkerProcessHandle.builder(servers)
                .workerId(WorkerProcessHandle.uniqueWorkerId("gone-a")).start();
             WorkerProcessHandle b = WorkerProcessHandle.builder(servers)
                     .workerId(WorkerProcessHandle.uniqueWorkerId("gone-b")).start()) {
            a.awaitEvent(READY, LIMIT);
            b.awaitEvent(READY, LIMIT);

            ExternalProcess.Result r = WorkerCli.run(LIMIT, "terminate", "--servers", servers, "--worker",
                    a.workerId(), b.workerId(), "--rolling", "--wait", "3s");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stdout().lines().filter(l -> !l.startsWith("waiting for: "))).as(r.toString())
                    .containsExactly("UP " + a.workerId(), "UP " + b.workerId(), "DOWN " + a.workerId(),
                            "not back after 3000 ms: " + a.workerId(), "not restarted: " + b.workerId());
            assertThat(a.awaitExit(LIMIT)).isZero();
            assertThat(b.isAlive()).isTrue();
            assertThat(b.events(STOPPING)).as("the rolling stopped before reaching it").isEmpty();
        }
    }

    @Test
    void badRollingOptionsExit2NamingThem() {
        String servers = GEARMAND.servers();
        for (String[] args : List.of(new String[] { "--rolling", "--batch", "0" },
                new String[] { "--batch", "2" }, new String[] { "--rolling", "--quiet-first" })) {
            List<String> cmd = new ArrayList<>(List.of("terminate", "--servers", servers, "--all"));
            cmd.addAll(List.of(args));
            WorkerUsageIT.Outcome o = WorkerUsageIT.execute(cmd.toArray(String[]::new));

            assertThat(o.code()).as(cmd + "\n" + o.err()).isEqualTo(2);
            assertThat(o.err()).as(o.err()).contains(args[args.length - 1].startsWith("--") ? args[args.length - 1]
                                                                                            : "--batch");
        }
    }

    private static Set<String> servingIds(String function) {
        return new HashSet<>(Gearman.workersOf(GEARMAND.address(), function));
    }

    private static long lastReadyPid(SupervisedFleet fleet, String id) {
        List<WorkerEvent> ready = fleet.events(id, READY);
        assertThat(ready).as(id + " wrote ready; " + fleet.diagnostics()).isNotEmpty();
        return (Long) ready.get(ready.size() - 1).field("pid");
    }

    /** Samples gearmand's {@code workers} every 25 ms: the fewest distinct worker ids seen per function. */
    private static final class FleetSampler implements AutoCloseable {
        final Map<String, Integer> fewestWorkers = new ConcurrentHashMap<>();
        final AtomicInteger samples = new AtomicInteger();
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final AtomicBoolean running = new AtomicBoolean(true);

        FleetSampler(List<String> functions) {
            AdminClient admin = new AdminClient(Duration.ofSeconds(5));
            thread.submit(() -> {
                while (running.get()) {
                    try {
                        List<AdminClient.WorkerLine> lines = admin.workers(GEARMAND.address());
                        for (String f : functions) {
                            int n = (int) lines.stream().filter(l -> l.functions().contains(f))
                                    .map(AdminClient.WorkerLine::clientId).distinct().count();
                            fewestWorkers.merge(f, n, Math::min);
                        }
                        samples.incrementAndGet();
                        Thread.sleep(25);
                    } catch (IOException e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.shutdown();
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** A steady load: {@code clients} loops, each submitting foreground {@code sleep} jobs one after another. */
    private static final class SleepLoad implements AutoCloseable {
        final AtomicInteger completed = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final ExecutorService clients;
        private final AtomicBoolean running = new AtomicBoolean(true);

        SleepLoad(int clients, int millis) {
            this.clients = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                this.clients.submit(() -> {
                    while (running.get()) {
                        try {
                            String result = Gearman.call(GEARMAND.address(), "sleep", Integer.toString(millis),
                                    LIMIT);
                            if (result.equals("slept " + millis + " ms")) {
                                completed.incrementAndGet();
                            } else {
                                failures.add(result);
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                });
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            clients.shutdown();
            if (!clients.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                failures.add("a job did not finish within " + LIMIT);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            clients.shutdownNow();
        }
    }
}
