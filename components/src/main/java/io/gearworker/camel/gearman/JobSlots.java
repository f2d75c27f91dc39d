package io.gearworker.camel.gearman;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gate every grab passes: a fixed number of job slots shared by all connections of one consumer, so jobs in
 * flight never exceed {@code concurrentConsumers} whatever the number of servers, plus the route's
 * {@link JobAdmission}s (e.g. max-jobs), reserved before each grab. Passing hands out a {@link JobPermit}; the
 * permits held are the consumer's jobs in flight (grabs outstanding and jobs whose result is not yet confirmed).
 * Pausing (suspend, drain) closes the gate for new grabs without touching jobs in flight; closing it ends every
 * waiting connection loop. Admissions are asked to reserve under the gate's lock (all or none); they are told of a
 * job taken or a reservation given back outside it, so a limit reached fires its restart request unlocked.
 */
final class JobSlots {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private final int capacity;
    private final List<JobAdmission> admissions;
    private final Runnable wake = this::wake;
    private int inFlight;
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
     * @return the permit for one grab, or {@code null} when the gate was closed: the caller must stop
     */
    JobPermit acquire() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (paused || inFlight >= capacity || !reserve())) {
                changed.await();
            }
            if (closed) {
                return null;
            }
            inFlight++;
            return new JobPermit(this);
        } finally {
            lock.unlock();
        }
    }

    /**
     * May the connection that just finished a job keep its slot for the next grab? Not when paused or closed, nor
     * when another connection waits for a slot (that one goes first: with several servers, none is starved), nor
     * when an admission refuses. A {@code true} answer holds a new reservation.
     */
    boolean mayKeep() {
        lock.lock();
        try {
            return !closed && !paused && !lock.hasWaiters(changed) && reserve();
        } finally {
            lock.unlock();
        }
    }

    /** A permit's grab brought a job: its reservations are used up. Outside our lock: a policy may fire. */
    void jobTaken() {
        admissions.forEach(JobAdmission::jobTaken);
    }

    /**
     * Frees a permit's slot.
     *
     * @param cancelReservation the permit's grab brought no job: give its reservations back
     */
    void release(boolean cancelReservation) {
        lock.lock();
        try {
            inFlight--;
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

    /** Permits held: grabs outstanding and jobs whose result is not yet confirmed. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
