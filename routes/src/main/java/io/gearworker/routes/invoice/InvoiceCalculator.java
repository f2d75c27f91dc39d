package io.gearworker.routes.invoice;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gearworker.routes.Quoted;

/**
 * The business logic of {@code invoice-total}, plain Java without Camel: reads and checks an invoice, adds it up,
 * writes the result. Stateless and thread-safe, so one instance serves every job slot.
 */
public class InvoiceCalculator {

    /** Told after each item is added up: {@code done} of {@code of} items. */
    @FunctionalInterface
    public interface Progress {
        void itemsDone(int done, int of);
    }

    private static final String EXPECTED = "{\"items\":[{\"sku\":…,\"qty\":…,\"price\":…}],\"currency\":\"EUR\"}";
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /**
     * Built at the first job, not when the worker starts: a cold ObjectMapper costs ~0.1 s, which a worker that
     * never gets an invoice should not pay before it is ready.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a misspelt field is an error, not a 0
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)      // "qty": 1.5 is an error, not 1
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /** The invoice in a JSON workload (UTF-8), checked; {@link InvalidInvoiceException} says what is wrong. */
    public Invoice parse(byte[] workload) {
        if (new String(workload, StandardCharsets.UTF_8).isBlank()) {
            throw new InvalidInvoiceException("invoice is empty; expected " + EXPECTED);
        }
        Invoice invoice;
        try {
            invoice = Json.MAPPER.readValue(workload, Invoice.class);
        } catch (JsonMappingException e) {
            String at = e.getPath().isEmpty() ? "" : " at " + path(e.getPath());
            throw new InvalidInvoiceException("invoice is not valid" + at + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidInvoiceException("invoice is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInvoiceException("invoice cannot be read: " + e.getMessage());
        }
        if (invoice == null) {
            throw new InvalidInvoiceException("invoice is null; expected " + EXPECTED);
        }
        check(invoice);
        return invoice;
    }

    /** Adds up quantity × price over the items, telling {@code progress} after each. */
    public InvoiceTotal total(Invoice invoice, Progress progress) {
        List<Invoice.Item> items = invoice.items();
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < items.size(); i++) {
            Invoice.Item item = items.get(i);
            total = total.add(item.price().multiply(BigDecimal.valueOf(item.qty())));
            progress.itemsDone(i + 1, items.size());
        }
        return InvoiceTotal.of(invoice.currency(), items.size(), total);
    }

    /** The result as the JSON sent back to the client. */
    public String toJson(InvoiceTotal total) {
        try {
            return Json.MAPPER.writeValueAsString(total);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + total, e);
        }
    }

    private static void check(Invoice invoice) {
        if (invoice.currency() == null || !CURRENCY.matcher(invoice.currency()).matches()) {
            throw new InvalidInvoiceException("currency must be a three-letter code like EUR, was "
                                              + Quoted.workload(invoice.currency()));
        }
        if (invoice.items() == null || invoice.items().isEmpty()) {
            throw new InvalidInvoiceException("items must be a non-empty list");
        }
        for (int i = 0; i < invoice.items().size(); i++) {
            Invoice.Item item = invoice.items().get(i);
            String at = "items[" + i + "]";
            if (item == null) {
                throw new InvalidInvoiceException(at + " is null");
            }
            if (item.sku() == null || item.sku().isBlank()) {
                throw new InvalidInvoiceException(at + ".sku is missing");
            }
            if (item.qty() == null || item.qty() < 1) {
                throw new InvalidInvoiceException(at + ".qty must be an integer >= 1, was " + item.qty());
            }
            if (item.price() == null || item.price().signum() < 0) {
                throw new InvalidInvoiceException(at + ".price must be >= 0, was " + item.price());
            }
        }
    }

    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                s.append(s.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                s.append('[').append(ref.getIndex()).append(']');
            }
        }
        return s.toString();
    }
}
