package io.gearworker.camel.gearman.protocol;

import java.io.IOException;

/** The peer sent something that is not a valid packet (bad magic, unknown type, truncated, too large). */
public class GearmanProtocolException extends IOException {

    public GearmanProtocolException(String message) {
        super(message);
    }

    public GearmanProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
