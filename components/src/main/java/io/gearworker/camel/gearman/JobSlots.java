package io.gearworker.camel.gearman;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gate every grab passes: a fixed number of job slots shared by all connections of one consumer, so jobs in
 * flight never exceed {@code concurrentConsumers} whatever the number of servers. Pausing (suspend, quiet, drain)
 * closes the gate for new grabs without touching jobs in flight; closing it ends every waiting connection loop.
 */
final class JobSlots {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private final int capacity;
    private int inUse;
    private boolean paused;
    private boolean closed;

    JobSlots(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Waits until a slot is free and grabbing is allowed, and takes the slot.
     *
     * @return {@code false} when the gate was closed: the caller must stop
     */
    boolean acquire() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (paused || inUse >= capacity)) {
                changed.await();
            }
            if (closed) {
                return false;
            }
            inUse++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * May the connection that just finished a job keep its slot for the next grab, so that the result and the grab
     * leave in one write? Not when paused or closed, nor when another connection waits for a slot (that one goes
     * first: with several servers, none is starved).
     */
    boolean mayKeep() {
        lock.lock();
        try {
            return !closed && !paused && !lock.hasWaiters(changed);
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            inUse--;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    void resume() {
        lock.lock();
        try {
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isPaused() {
        lock.lock();
        try {
            return paused || closed;
        } finally {
            lock.unlock();
        }
    }

    int inUse() {
        lock.lock();
        try {
            return inUse;
        } finally {
            lock.unlock();
        }
    }
}
