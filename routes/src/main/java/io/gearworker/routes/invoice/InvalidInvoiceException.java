package io.gearworker.routes.invoice;

/** The workload is not a valid invoice; the message says what is wrong and where, for the client. */
public class InvalidInvoiceException extends IllegalArgumentException {

    public InvalidInvoiceException(String message) {
        super(message);
    }
}
