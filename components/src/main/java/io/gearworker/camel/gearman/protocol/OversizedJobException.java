package io.gearworker.camel.gearman.protocol;

/**
 * A job assignment whose data exceeds maxPayloadSize. The codec has read its handle and skipped the rest without
 * buffering it, so the connection is still in step and the worker can fail just this job.
 */
public class OversizedJobException extends GearmanProtocolException {

    private final String handle;

    public OversizedJobException(String handle, String message) {
        super(message);
        this.handle = handle;
    }

    public String getHandle() {
        return handle;
    }
}
