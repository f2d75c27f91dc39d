package io.gearworker.worker.runtime;

import java.util.function.Consumer;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into stop requests instead of the JVM's default (exit 143 with jobs in flight).
 * Installed first thing in {@code main}, before the worker exists: a signal that arrives during start-up is kept
 * and delivered as soon as the worker subscribes, so it is never lost.
 */
public final class StopSignals {

    private static String pending;
    private static Consumer<String> handler;

    private StopSignals() {
    }

    public static void install() {
        Signal.handle(new Signal("TERM"), s -> deliver("sigterm"));
        Signal.handle(new Signal("INT"), s -> deliver("sigint"));
    }

    /** Delivers signals to {@code stop}, starting with one that came before this call. */
    static synchronized void subscribe(Consumer<String> stop) {
        handler = stop;
        if (pending != null) {
            stop.accept(pending);
            pending = null;
        }
    }

    private static synchronized void deliver(String reason) {
        if (handler != null) {
            handler.accept(reason);
        } else if (pending == null) {
            pending = reason;
        }
    }
}
