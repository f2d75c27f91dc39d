package io.gearworker.routes.invoice;

import java.math.BigDecimal;
import java.util.List;

/** The workload of an {@code invoice-total} job: {@code {"items":[{"sku":"a","qty":2,"price":"1.50"}],"currency":"EUR"}}. */
public record Invoice(List<Item> items, String currency) {

    /** One line of the invoice; the price is per unit, as a JSON string or number (read exactly, never as double). */
    public record Item(String sku, Integer qty, BigDecimal price) {
    }
}
