package io.gearworker.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A workload as error messages quote it: whole when short, a bounded one-line prefix with its size when long. */
class QuotedTest {

    @Test
    void aShortWorkloadIsQuotedWhole() {
        assertThat(Quoted.workload("eight 500")).isEqualTo("'eight 500'");
        assertThat(Quoted.workload("")).isEqualTo("''");
        assertThat(Quoted.workload(null)).isEqualTo("null");
    }

    @Test
    void aLongWorkloadIsCutAtTheLimitAndItsSizeGiven() {
        String quote = Quoted.workload("x".repeat(5 * 1024 * 1024));
        assertThat(quote).isEqualTo("'" + "x".repeat(Quoted.MAX_BYTES) + "…' (5242880 bytes)");
        assertThat(Quoted.workload("x".repeat(Quoted.MAX_BYTES))).as("exactly at the limit: whole")
                .isEqualTo("'" + "x".repeat(Quoted.MAX_BYTES) + "'");
    }

    @Test
    void theLimitCountsUtf8BytesAndNeverSplitsACharacter() {
        String quote = Quoted.workload("é".repeat(150)); // 300 bytes
        assertThat(quote).isEqualTo("'" + "é".repeat(100) + "…' (300 bytes)");
        assertThat(Quoted.workload("€".repeat(67) + "z")).as("67 × 3 bytes = 201: the 67th does not fit")
                .isEqualTo("'" + "€".repeat(66) + "…' (202 bytes)");
    }

    @Test
    void controlCharactersAreEscapedSoAQuoteIsOneLine() {
        assertThat(Quoted.workload("a\nb\r\tc\u0000d\u2028"))
                .isEqualTo("'a\\nb\\r\\tc\\u0000d\\u2028'").doesNotContain("\n", "\r");
    }
}
