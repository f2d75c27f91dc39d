package io.gearworker.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.awaitility.core.ConditionTimeoutException;

import static io.gearworker.worker.runtime.EventType.READY;
import static io.gearworker.worker.runtime.EventType.STOPPING;
import static org.awaitility.Awaitility.await;

/**
 * supervisord's {@code autorestart=true} in a test: one worker "program" (same worker id, same options) whose
 * process is started again each time the previous one exits, until {@link #stop()}. Every process's handle, and so
 * its event log, is kept for assertions. A new process starts only after the previous one is gone, as with
 * supervisord ({@code numprocs=1}). {@code maxProcesses} bounds a crash loop; {@link #close()} stops respawning
 * and kills whatever still runs.
 */
final class RespawnLoop implements AutoCloseable {

    private final WorkerProcessHandle.Builder program;
    private final int maxProcesses;
    private final List<WorkerProcessHandle> processes = new CopyOnWriteArrayList<>();
    private final ExecutorService supervisor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "respawn-loop");
        t.setDaemon(true);
        return t;
    });
    private boolean stopped; // guarded by this

    private RespawnLoop(WorkerProcessHandle.Builder program, int maxProcesses) {
        this.program = program;
        this.maxProcesses = maxProcesses;
    }

    /** Starts the first process now; later ones start as each predecessor exits. */
    static RespawnLoop start(WorkerProcessHandle.Builder program, int maxProcesses) {
        RespawnLoop loop = new RespawnLoop(program, maxProcesses);
        loop.spawn();
        return loop;
    }

    private synchronized void spawn() {
        if (stopped || processes.size() >= maxProcesses) {
            return;
        }
        WorkerProcessHandle p = program.start();
        processes.add(p);
        p.onExit().thenRunAsync(this::spawn, supervisor);
    }

    /** Every process started so far, oldest first. */
    List<WorkerProcessHandle> processes() {
        return List.copyOf(processes);
    }

    /** The newest process (it may have exited, its successor not yet started). */
    WorkerProcessHandle current() {
        return processes.get(processes.size() - 1);
    }

    /**
     * Waits for a process that serves and is not on its way out: the newest one is alive, wrote {@code ready} and no
     * {@code stopping}. One that reached a limit meanwhile is waited out, and its successor awaited.
     */
    WorkerProcessHandle awaitSteady(Duration limit) {
        try {
            await().atMost(limit).pollInterval(Duration.ofMillis(20)).until(() -> {
                WorkerProcessHandle p = current();
                return p.isAlive() && !p.events(READY).isEmpty() && p.events(STOPPING).isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no steady worker within " + limit + " after " + processes.size()
                                     + " process(es)\n" + current().diagnostics(), e);
        }
        return current();
    }

    /** No more respawns from now on; the processes already started run on. */
    synchronized void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        stop();
        supervisor.shutdownNow();
        processes.forEach(WorkerProcessHandle::close);
    }
}
