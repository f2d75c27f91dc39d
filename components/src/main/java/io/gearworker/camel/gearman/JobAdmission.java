package io.gearworker.camel.gearman;

/**
 * A process-wide budget that a consumer consults before every grab, so a limit on jobs holds at grab time across
 * all slots and servers. A route policy that implements this is picked up by the route's {@link GearmanConsumer}.
 * Calls come from the consumer's threads under its gate lock: keep them short and non-blocking.
 */
public interface JobAdmission {

    /** Before a grab: reserve one more job, or refuse (no more jobs for this process). */
    boolean tryReserve();

    /** The reserved grab brought no job (NO_JOB, or the connection failed first): the reservation comes back. */
    void cancelReservation();

    /** The reserved grab brought a job: the reservation is used up. */
    void jobTaken();
}
