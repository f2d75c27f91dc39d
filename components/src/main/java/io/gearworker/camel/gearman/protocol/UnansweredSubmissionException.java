package io.gearworker.camel.gearman.protocol;

import java.io.IOException;

/**
 * A submission's JOB_CREATED never came: its connection was lost (or fell silent) first. gearmand may or may not
 * have queued the job, so submitting it elsewhere may run it twice.
 */
public class UnansweredSubmissionException extends IOException {

    public UnansweredSubmissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
