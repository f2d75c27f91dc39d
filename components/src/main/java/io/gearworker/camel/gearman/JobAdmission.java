package io.gearworker.camel.gearman;

/**
 * A process-wide budget that a consumer consults before every grab, so a limit on jobs holds at grab time across
 * all slots and servers. A route policy that implements this is picked up by the route's {@link GearmanConsumer}.
 * Calls come from the consumer's threads: {@link #tryReserve()} and {@link #undoReservation()} under its gate lock
 * (keep them short and non-blocking), the others outside it.
 */
public interface JobAdmission {

    /** Before a grab: reserve one more job, or refuse (no more jobs for this process). */
    boolean tryReserve();

    /** The reserved grab brought no job (NO_JOB, or the connection failed first): the reservation comes back. */
    void cancelReservation();

    /**
     * Takes back a reservation of the same attempt when another admission refused (no grab was sent): like
     * {@link #cancelReservation()} but without waking anyone, because it is called under a gate's lock.
     */
    void undoReservation();

    /** The reserved grab brought a job: the reservation is used up. */
    void jobTaken();

    /**
     * Registers a callback run after every {@link #cancelReservation()}: a budget shared by several consumers
     * must wake the ones waiting for it, not only the one that gave a reservation back.
     */
    void addCancelListener(Runnable listener);

    void removeCancelListener(Runnable listener);
}
