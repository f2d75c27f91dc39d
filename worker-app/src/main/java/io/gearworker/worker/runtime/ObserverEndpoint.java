package io.gearworker.worker.runtime;

import java.io.IOException;

import io.gearworker.camel.gearman.GearmanJobListener;

/**
 * What serves a running worker's state to observers over the network (metrics, health probes). The worker starts
 * it before its routes and closes it after it stopped, so probes see {@code stopping} until the end; what it
 * serves is the embedding's choice, which keeps this package free of any HTTP code.
 */
public interface ObserverEndpoint extends AutoCloseable {

    /** Where it listens, as the {@code ready} event names it. */
    String address();

    /** Told about every job from the worker's start. */
    GearmanJobListener jobListener();

    @Override
    void close();

    /** Starts the endpoint for a worker on {@code --http-host}/{@code --http-port}. */
    @FunctionalInterface
    interface Starter {
        ObserverEndpoint start(WorkerState worker, String host, int port) throws IOException;
    }
}
