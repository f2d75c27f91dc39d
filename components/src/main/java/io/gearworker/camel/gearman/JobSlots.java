package io.gearworker.camel.gearman;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gate every grab passes: a fixed number of job slots shared by all connections of one consumer, so jobs in
 * flight never exceed {@code concurrentConsumers} whatever the number of servers, plus the route's
 * {@link JobAdmission}s (e.g. max-jobs), reserved before each grab. Pausing (suspend, drain) closes the gate for new
 * grabs without touching jobs in flight; closing it ends every waiting connection loop.
 */
final class JobSlots {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private final int capacity;
    private final List<JobAdmission> admissions;
    private final Runnable wake = this::wake;
    private int inUse;
    private boolean paused;
    private boolean closed;

    JobSlots(int capacity) {
        this(capacity, List.of());
    }

    JobSlots(int capacity, List<JobAdmission> admissions) {
        this.capacity = capacity;
        this.admissions = List.copyOf(admissions);
        this.admissions.forEach(a -> a.addCancelListener(wake));
    }

    /**
     * Waits until a slot is free, grabbing is allowed and every admission reserved a job; takes the slot.
     *
     * @return {@code false} when the gate was closed: the caller must stop
     */
    boolean acquire() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (paused || inUse >= capacity || !reserve())) {
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
     * first: with several servers, none is starved), nor when an admission refuses. A {@code true} answer holds a
     * new reservation.
     */
    boolean mayKeep() {
        lock.lock();
        try {
            return !closed && !paused && !lock.hasWaiters(changed) && reserve();
        } finally {
            lock.unlock();
        }
    }

    /** The grab of the slot brought a job: its reservations are used up. */
    void jobTaken() {
        lock.lock();
        try {
            admissions.forEach(JobAdmission::jobTaken);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees a slot.
     *
     * @param cancelReservation the slot's grab brought no job: give its reservations back
     */
    void release(boolean cancelReservation) {
        lock.lock();
        try {
            inUse--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (cancelReservation) {
            // outside our lock: the admission wakes every gate it serves, this one included
            admissions.forEach(JobAdmission::cancelReservation);
        }
    }

    /** Lets waiting connections re-check: a shared admission has a reservation free again. */
    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Frees a slot whose job is done. */
    void release() {
        release(false);
    }

    /** Reserves with every admission, or with none. Called under our lock: must not cancel (that wakes gates). */
    private boolean reserve() {
        for (int i = 0; i < admissions.size(); i++) {
            if (!admissions.get(i).tryReserve()) {
                for (int j = 0; j < i; j++) {
                    admissions.get(j).undoReservation();
                }
                return false;
            }
        }
        return true;
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
        admissions.forEach(a -> a.removeCancelListener(wake));
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
