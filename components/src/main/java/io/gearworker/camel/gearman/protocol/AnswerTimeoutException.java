package io.gearworker.camel.gearman.protocol;

import java.io.IOException;

/** gearmand did not answer a request in time; the connection is out of step and must be closed. */
public class AnswerTimeoutException extends IOException {

    public AnswerTimeoutException(String message) {
        super(message);
    }
}
