package io.gearworker.camel.gearman.protocol;

/** The worker reported failure: WORK_FAIL, or WORK_EXCEPTION with the worker's message. */
public class GearmanJobFailedException extends RuntimeException {

    private final String handle;

    public GearmanJobFailedException(String handle, String message) {
        super(message);
        this.handle = handle;
    }

    public String getHandle() {
        return handle;
    }
}
