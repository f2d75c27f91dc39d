package io.gearworker.worker.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpHandler;

/**
 * The threads of a JDK HTTP server, which reads each request (line, headers, body) on the thread it hands the
 * exchange to, so a client that sends one byte and waits holds a thread. Never runs a request on the server's
 * accepting thread and never queues: up to {@code max} requests run at once; beyond that a new request evicts the
 * oldest one still being read (its thread is interrupted, which closes its connection). Only when {@code max}
 * requests are all past their reading (in a handler) is the new connection closed (the JDK server closes the
 * connection of an exchange its executor rejects). So a crowd of slow clients costs at most {@code max} threads and
 * each new request, a probe among them, still gets a thread at once; below {@code max} nothing is evicted, so a
 * request read slowly because the machine is busy is not cut off.
 */
public final class RequestExecutor implements Executor {

    private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();

    private final int max;
    private final ThreadPoolExecutor threads;
    private final List<Request> running = new ArrayList<>(); // oldest first; guarded by this

    /** @param name the threads' name prefix */
    public RequestExecutor(String name, int max) {
        this.max = max;
        AtomicInteger count = new AtomicInteger();
        // room for as many evicted requests as live ones: an evicted thread takes a moment to see its channel closed
        this.threads = new ThreadPoolExecutor(0, 2 * max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Wraps a handler so its request counts as read (no longer evictable) once the handler is called. */
    public static HttpHandler handler(HttpHandler handler) {
        return exchange -> {
            Request current = CURRENT.get();
            if (current != null) {
                current.handling = true;
            }
            handler.handle(exchange);
        };
    }

    @Override
    public void execute(Runnable exchange) {
        Request request = new Request(exchange);
        synchronized (this) {
            if (running.size() >= max) {
                evictOldestRead();
            }
            if (running.size() >= max) {
                throw new RejectedExecutionException("all " + max + " request threads busy");
            }
            running.add(request);
        }
        try {
            threads.execute(request);
        } catch (RejectedExecutionException e) { // more than max evicted threads still finishing
            done(request);
            throw e;
        }
    }

    /** Stops every request thread now. */
    public void shutdownNow() {
        threads.shutdownNow();
    }

    private void evictOldestRead() {
        for (Request r : running) {
            if (!r.handling && r.thread != null) {
                running.remove(r);
                r.thread.interrupt(); // the JDK reads from an interruptible channel: the read fails and it closes
                return;
            }
        }
    }

    private synchronized void done(Request request) {
        running.remove(request);
    }

    private final class Request implements Runnable {
        final Runnable exchange;
        volatile Thread thread;
        volatile boolean handling;

        Request(Runnable exchange) {
            this.exchange = exchange;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            CURRENT.set(this);
            try {
                exchange.run();
            } finally {
                CURRENT.remove();
                done(this);
                Thread.interrupted(); // an eviction that came too late must not hit the thread's next request
            }
        }
    }
}
