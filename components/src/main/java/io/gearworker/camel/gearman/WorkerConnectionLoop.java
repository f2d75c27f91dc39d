package io.gearworker.camel.gearman;

import java.io.IOException;
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
 * <p>
 * Every answer awaited on the connection is due within answerTimeout and a sleeping connection sends heartbeats;
 * the consumer's {@link io.gearworker.camel.gearman.protocol.ConnectionWatchdog} closes a connection whose answer
 * is overdue, which ends up here as a lost connection: reconnect with backoff, one WARN per streak.
 * <p>
 * A job counts as done only once gearmand has evidently processed its result: it answered a packet sent after
 * it (the next grab, which leaves in the same write, or else one ECHO). A connection lost before that hands the job
 * back: the result may not have arrived, and gearmand may run the job again.
 */
final class WorkerConnectionLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerConnectionLoop.class);
    static final String STOPPED = "stopped before the job finished";
    static final String RESULT_MAY_BE_LOST = "the result may not have reached gearmand, which may run the job again";
    static final String STOPPED_UNCONFIRMED = "stopped before gearmand confirmed the result; " + RESULT_MAY_BE_LOST;

    private final GearmanConsumer consumer;
    private final ServerAddress server;
    private final Object state = new Object();
    private boolean stopping;             // guarded by state
    private WorkerConnection connection;  // guarded by state
    private GearmanJob currentJob;        // guarded by state; set from assignment until gearmand confirmed the result
    private boolean resultSent;           // guarded by state; currentJob's result left, not yet confirmed

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
                c = WorkerConnection.open(server, consumer.codec(), cfg.liveness(), consumer.workerId(),
                        List.of(cfg.getFunctionName()), cfg.getCanDoTimeout());
                if (!attach(c)) {
                    return;
                }
                c.confirm(); // watched from here on: an answer that does not come closes the connection
                registered = true;
                status.connected(server);
                // the backoff resets only once gearmand answered a grab: a server that registers us and then
                // sends garbage must not make us reconnect at the first delay for ever
                work(c, () -> {
                    if (backoff.failures() > 0) {
                        LOG.info("Reconnected to gearmand {} as {} after {} failed attempt(s)", server,
                                consumer.workerId(), backoff.failures());
                    }
                    backoff.reset();
                });
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
                    consumer.watchdog().unwatch(c);
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

    /**
     * Grabs and runs jobs while the consumer runs; returns when its slots were closed.
     *
     * @param established run once, when gearmand answered the first grab
     */
    private void work(WorkerConnection c, Runnable established) throws IOException, InterruptedException {
        JobSlots slots = consumer.slots();
        JobPermit permit = null;
        try {
            Packet[] unsent = null;   // a finished job's result, to go out with the next grab
            while (true) {
                if (unsent == null) {
                    permit = slots.acquire();
                    if (permit == null) {
                        return;
                    }
                    c.requestJob();
                } else {
                    resultSent();
                    c.requestJob(unsent);
                    unsent = null;
                }
                AssignedJob assigned = c.awaitAssignment();
                resultConfirmed(); // the grab's answer: gearmand processed the result that left with it
                if (established != null) {
                    established.run();
                    established = null;
                }
                if (assigned == null) {
                    permit.release();
                    permit = null;
                    sleep(c);
                    continue;
                }
                permit.jobTaken();
                Packet[] result = runJob(assigned, c);
                if (permit.renew()) {
                    unsent = result; // the permit carries over from this job to the next grab
                } else {
                    resultSent();
                    c.confirm(result); // no grab follows to prove the result arrived: one ECHO, same write
                    resultConfirmed();
                    permit.release();
                    permit = null;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            handBackCurrentJob(e); // before the permit goes: a drain must not end before the job is accounted for
            throw e;
        } finally {
            if (permit != null) {
                permit.release();
            }
        }
    }

    /** Routes the job and waits for the exchange to complete; returns the packets that report its outcome. */
    private Packet[] runJob(AssignedJob assigned, WorkerConnection c) throws IOException, InterruptedException {
        GearmanJob job = new GearmanJob(assigned, c);
        consumer.jobStarted(job);
        boolean stopped;
        synchronized (state) {
            stopped = stopping;
            if (!stopped) {
                currentJob = job;
            }
        }
        if (stopped) {
            // stop() closed the connection as the job arrived: gearmand requeues it
            consumer.handedBack(job, STOPPED);
            throw new IOException("consumer stopped");
        }
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

    /** The current job's result is about to leave: from now on only gearmand's answer proves it arrived. */
    private void resultSent() {
        synchronized (state) {
            resultSent = true;
        }
    }

    /** gearmand answered a packet sent after the current job's result: it has processed the result. */
    private void resultConfirmed() {
        GearmanJob job;
        synchronized (state) {
            job = resultSent ? currentJob : null;
            if (resultSent) {
                currentJob = null;
                resultSent = false;
            }
        }
        if (job != null) {
            consumer.jobConfirmed(job);
        }
    }

    /** Hands the current job back to gearmand, with a reason for how {@code e} ended its connection. */
    private void handBackCurrentJob(Throwable e) {
        if (isStopping()) {
            handBackCurrentJob(STOPPED, STOPPED_UNCONFIRMED);
        } else if (e instanceof IOException) {
            handBackCurrentJob("connection to gearmand lost: " + describe(e),
                    "connection to gearmand lost before it confirmed the result (" + describe(e) + "); "
                    + RESULT_MAY_BE_LOST);
        } else {
            handBackCurrentJob("unexpected error: " + e, "unexpected error before gearmand confirmed the result ("
                    + e + "); " + RESULT_MAY_BE_LOST);
        }
    }

    /** Takes the current job off this loop and reports it handed back, once; no-op when there is none. */
    private void handBackCurrentJob(String whenRunning, String whenResultSent) {
        GearmanJob job;
        String reason;
        synchronized (state) {
            job = currentJob;
            reason = resultSent ? whenResultSent : whenRunning;
            currentJob = null;
            resultSent = false;
        }
        if (job != null) {
            consumer.handedBack(job, reason);
        }
    }

    private void sleep(WorkerConnection c) throws IOException {
        c.preSleep();
        c.awaitWakeUp();
    }

    private void connectionLost(IOException e, int failures) {
        synchronized (state) {
            connection = null;
        }
        // protocol errors and unreachable servers alike: one WARN when the trouble starts, then one per 20 attempts
        String what = e instanceof GearmanProtocolException ? "Protocol error on gearmand " + server
                : "Connection to gearmand " + server + " failed";
        if (failures == 0) {
            LOG.warn("{}: {}; reconnecting with backoff", what, describe(e));
        } else if (failures % 20 == 0) {
            LOG.warn("gearmand {} still failing after {} attempts: {}: {}", server, failures, what, describe(e));
        } else {
            LOG.debug("gearmand {} unreachable: {}: {}", server, what, describe(e));
        }
    }

    /** The exception's message, or its type when it has none (a socket closed under a read may say nothing). */
    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
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
            consumer.watchdog().watch(c);
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
        synchronized (state) {
            stopping = true;
            if (connection != null) {
                connection.close();
            }
            state.notifyAll();
        }
        handBackCurrentJob(STOPPED, STOPPED_UNCONFIRMED);
    }
}
