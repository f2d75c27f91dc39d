package io.gearworker.camel.gearman;

/**
 * One connection's claim on its consumer's {@link JobSlots}, from the grab until the job's result is confirmed:
 * a job slot, the admissions' reservation for the grab (until a job uses it up) and one place in the consumer's
 * in-flight count. Used by one connection thread; {@link #release()} is idempotent, so every path out of the grab
 * loop may call it.
 */
final class JobPermit {

    private final JobSlots slots;
    private boolean reserved = true; // the grab's reservation, not yet used up by a job
    private boolean released;

    JobPermit(JobSlots slots) {
        this.slots = slots;
    }

    /** The grab brought a job: the reservation is used up (a limit reached fires its restart request here). */
    void jobTaken() {
        if (reserved && !released) {
            reserved = false;
            slots.jobTaken();
        }
    }

    /**
     * After a job: may this permit carry the next grab, so the result and the grab leave in one write? Then it holds
     * a fresh reservation; otherwise the caller sends the result alone and releases the permit.
     */
    boolean renew() {
        if (released || reserved) {
            return false;
        }
        reserved = slots.mayKeep();
        return reserved;
    }

    /** Frees the slot and the in-flight place, and gives an unused reservation back (a grab without job). */
    void release() {
        if (released) {
            return;
        }
        released = true;
        slots.release(reserved);
        reserved = false;
    }

    boolean isReleased() {
        return released;
    }
}
