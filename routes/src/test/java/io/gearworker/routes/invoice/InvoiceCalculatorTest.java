package io.gearworker.routes.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The invoice-total business logic alone: no Camel, no server. */
class InvoiceCalculatorTest {

    private final InvoiceCalculator calculator = new InvoiceCalculator();

    private Invoice parse(String json) {
        return calculator.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void addsUpQuantityTimesPriceExactlyAndReportsEachItem() {
        Invoice invoice = parse("""
                {"items":[{"sku":"a","qty":2,"price":"1.50"},{"sku":"b","qty":3,"price":0.1},
                          {"sku":"c","qty":1,"price":"0"}],"currency":"EUR"}""");
        List<String> progress = new ArrayList<>();

        InvoiceTotal total = calculator.total(invoice, (done, of) -> progress.add(done + "/" + of));

        // 3 × 0.1 is 0.3 exactly: prices are decimals, never doubles
        assertThat(total).isEqualTo(new InvoiceTotal("EUR", 3, "3.30"));
        assertThat(progress).containsExactly("1/3", "2/3", "3/3");
        assertThat(calculator.toJson(total)).isEqualTo("{\"currency\":\"EUR\",\"items\":3,\"total\":\"3.30\"}");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "not json                                                  | invoice is not JSON",
            "''                                                        | invoice is empty",
            "[1,2]                                                     | invoice is not valid",
            "{\"items\":[],\"currency\":\"EUR\"}                       | items must be a non-empty list",
            "{\"currency\":\"EUR\"}                                    | items must be a non-empty list",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":1}]}       | currency must be a three-letter code like EUR, was null",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":1}],\"currency\":\"euro\"} | was 'euro'",
            "{\"items\":[{\"qty\":1,\"price\":1}],\"currency\":\"EUR\"}               | items[0].sku is missing",
            "{\"items\":[{\"sku\":\"a\",\"qty\":0,\"price\":1}],\"currency\":\"EUR\"} | items[0].qty must be an integer >= 1, was 0",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1.5,\"price\":1}],\"currency\":\"EUR\"} | invoice is not valid at items[0].qty",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":\"-1\"}],\"currency\":\"EUR\"} | items[0].price must be >= 0, was -1",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1,\"price\":\"cheap\"}],\"currency\":\"EUR\"} | invoice is not valid at items[0].price",
            "{\"items\":[{\"sku\":\"a\",\"qty\":1,\"prise\":1}],\"currency\":\"EUR\"} | invoice is not valid at items[0].prise" })
    void aBadInvoiceIsRejectedWithAMessageSayingWhatAndWhere(String json, String message) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidInvoiceException.class)
                .hasMessageContaining(message);
    }
}
