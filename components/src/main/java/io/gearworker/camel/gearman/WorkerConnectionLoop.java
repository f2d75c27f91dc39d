package io.gearworker.camel.gearman;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.gearworker.camel.gearman.protocol.AssignedJob;
import io.gearworker.camel.gearman.protocol.GearmanProtocolException;
import io.gearworker.camel.gearman.protocol.Packet;
import io.gearworker.camel.gearman.protocol.ServerAddress;
import io.gearworker.camel.gearman.protocol.WorkerConnection;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker connection to one server, run on one consumer thread: take a slot, grab, route the job, send its
 * result, and sleep in PRE_SLEEP when there is no work. Reconnects with backoff when the connection is lost,
 * registering the worker id and function again.
 */
final class WorkerConnectionLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerConnectionLoop.class);

    private final GearmanConsumer consumer;
    private final ServerAddress server;
    private final Object state = new Object();
    private boolean stopping;             // guarded by state
    private WorkerConnection connection;  // guarded by state
    private GearmanJob currentJob;        // guarded by state; set from assignment until the result is sent

    WorkerConnectionLoop(GearmanConsumer consumer, ServerAddress server) {
        this.consumer = consumer;
        this.server = server;
    }

    @Override
    public void run() {
        GearmanConfiguration cfg = consumer.getEndpoint().getConfiguration();
        ServerConnections status = consumer.serverConnections();
        Backoff backoff = new Backoff(cfg.getReconnectDelay(), cfg.getMaxReconnectDelay());
        while (true) {
            WorkerConnection c = null;
            boolean registered = false;
            Throwable failure = null;
            try {
                if (backoff.failures() > 0) {
                    status.reconnecting(server);
                }
                c = WorkerConnection.open(server, consumer.codec(), Duration.ofMillis(cfg.getConnectTimeout()),
                        consumer.workerId(), List.of(cfg.getFunctionName()), cfg.getCanDoTimeout());
                if (!attach(c)) {
                    return;
                }
                registered = true;
                status.connected(server);
                if (backoff.failures() > 0) {
                    LOG.info("Reconnected to gearmand {} as {} after {} failed attempt(s)", server,
                            consumer.workerId(), backoff.failures());
                }
                backoff.reset();
                work(c);
                return;
            } catch (IOException e) {
                if (isStopping()) {
                    return;
                }
                failure = e;
                connectionLost(e, backoff.failures());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (isStopping()) {
                    return;
                }
                failure = e;
                consumer.getExceptionHandler().handleException("Unexpected error on gearmand " + server, e);
            } finally {
                if (c != null) {
                    c.close();
                }
                if (registered) {
                    status.disconnected(server, failure);
                } else if (failure != null) {
                    status.attemptFailed(server, failure);
                }
            }
            if (!pause(backoff.nextDelayMillis())) {
                return;
            }
        }
    }

    /** Grabs and runs jobs while the consumer runs; returns when its slots were closed. */
    private void work(WorkerConnection c) throws IOException, InterruptedException {
        JobSlots slots = consumer.slots();
        boolean haveSlot = false;
        boolean reserved = false; // the slot's grab holds an admission reservation not yet used by a job
        try {
            Packet[] unsent = null;   // a finished job's result, to go out with the next grab
            while (true) {
                if (unsent == null) {
                    if (!slots.acquire()) {
                        return;
                    }
                    haveSlot = true;
                    reserved = true;
                    consumer.grabStarted();
                    c.requestJob();
                } else {
                    c.requestJob(unsent);
                    jobAcknowledged();
                    unsent = null;
                }
                AssignedJob assigned = c.awaitAssignment();
                if (assigned == null) {
                    consumer.grabEnded();
                    slots.release(true);
                    haveSlot = false;
                    reserved = false;
                    sleep(c);
                    continue;
                }
                slots.jobTaken();
                reserved = false;
                Packet[] result = runJob(assigned, c);
                if (slots.mayKeep()) {
                    reserved = true;
                    unsent = result; // slot and pending count carry over from this job to the next grab
                } else {
                    c.send(result);
                    jobAcknowledged();
                    consumer.grabEnded();
                    slots.release();
                    haveSlot = false;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (haveSlot) {
                consumer.grabEnded();
                slots.release(reserved);
            }
            throw e;
        }
    }

    /** Routes the job and waits for the exchange to complete; returns the packets that report its outcome. */
    private Packet[] runJob(AssignedJob assigned, WorkerConnection c) throws InterruptedException {
        GearmanJob job = new GearmanJob(assigned, c);
        synchronized (state) {
            currentJob = job;
        }
        consumer.jobStarted(job);
        Exchange exchange = consumer.createJobExchange(assigned, job);
        CompletableFuture<Void> done = new CompletableFuture<>();
        consumer.getAsyncProcessor().process(exchange, doneSync -> done.complete(null));
        try {
            done.get();
        } catch (ExecutionException e) {
            exchange.setException(e.getCause()); // cannot happen: the callback never completes exceptionally
        }
        return consumer.outcome(job, exchange);
    }

    /** The result of the current job left on the wire: it is gearmand's now. */
    private void jobAcknowledged() {
        GearmanJob job;
        synchronized (state) {
            job = currentJob;
            currentJob = null;
        }
        consumer.jobAcknowledged(job);
    }

    private void sleep(WorkerConnection c) throws IOException {
        c.preSleep();
        c.awaitWakeUp();
    }

    private void connectionLost(IOException e, int failures) {
        GearmanJob lost;
        synchronized (state) {
            lost = currentJob;
            currentJob = null;
            connection = null;
        }
        if (lost != null) {
            consumer.handedBack(lost, "connection to gearmand lost: " + e.getMessage());
        }
        if (e instanceof GearmanProtocolException) {
            LOG.warn("Protocol error on gearmand {}: {}; closing the connection and reconnecting", server,
                    e.getMessage());
        } else if (failures == 0) {
            LOG.warn("Connection to gearmand {} failed: {}; reconnecting with backoff", server, e.getMessage());
        } else if (failures % 20 == 0) {
            LOG.warn("gearmand {} still unreachable after {} attempts: {}", server, failures, e.getMessage());
        } else {
            LOG.debug("gearmand {} unreachable: {}", server, e.getMessage());
        }
    }

    /** Waits before reconnecting; returns false when the loop was stopped meanwhile. */
    private boolean pause(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (state) {
            while (!stopping) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return true;
                }
                try {
                    state.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    private boolean attach(WorkerConnection c) {
        synchronized (state) {
            if (stopping) {
                return false;
            }
            connection = c;
            return true;
        }
    }

    private boolean isStopping() {
        synchronized (state) {
            return stopping;
        }
    }

    /**
     * Closes the connection now. Called once the consumer drained: a job still here at this point is handed back
     * to gearmand (it requeues the job of a closed connection), and reported as such.
     */
    void stop() {
        GearmanJob abandoned;
        synchronized (state) {
            stopping = true;
            abandoned = currentJob;
            currentJob = null;
            if (connection != null) {
                connection.close();
            }
            state.notifyAll();
        }
        if (abandoned != null) {
            consumer.handedBack(abandoned, "stopped before the job finished");
        }
    }
}
