package io.gearworker.camel.gearman.protocol;

import java.io.IOException;

/** gearmand did not answer a request in time; the connection was closed (it is out of step). */
public class AnswerTimeoutException extends IOException {

    public AnswerTimeoutException(String message) {
        super(message);
    }

    public AnswerTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
