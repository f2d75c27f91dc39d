package io.gearworker.routes.invoice;

import java.math.BigDecimal;

/**
 * The result of an {@code invoice-total} job, sent back as JSON: {@code {"currency":"EUR","items":2,"total":"4.50"}}.
 * The total is a string so that no client reads it as a binary floating-point number.
 */
public record InvoiceTotal(String currency, int items, String total) {

    static InvoiceTotal of(String currency, int items, BigDecimal total) {
        return new InvoiceTotal(currency, items, total.toPlainString());
    }
}
