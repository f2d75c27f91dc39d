package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of the {@code servers} option. */
class ServerAddressTest {

    @Test
    void parsesHostAndPort() {
        assertThat(ServerAddress.parse("gear1.example.com:4731"))
                .isEqualTo(new ServerAddress("gear1.example.com", 4731));
    }

    @Test
    void portDefaultsTo4730() {
        assertThat(ServerAddress.parse("10.0.0.5")).isEqualTo(new ServerAddress("10.0.0.5", 4730));
        assertThat(ServerAddress.DEFAULT_PORT).isEqualTo(4730);
    }

    @Test
    void toStringIsHostColonPortAndParsesBack() {
        ServerAddress address = new ServerAddress("gear1", 4730);

        assertThat(address).hasToString("gear1:4730");
        assertThat(ServerAddress.parse(address.toString())).isEqualTo(address);
    }

    @Test
    void listTrimsSpacesAndKeepsOrder() {
        assertThat(ServerAddress.parseList("  b:2 ,a:1,  c "))
                .containsExactly(new ServerAddress("b", 2), new ServerAddress("a", 1), new ServerAddress("c", 4730));
    }

    @Test
    void listKeepsDuplicatesOnceIncludingImplicitDefaultPort() {
        assertThat(ServerAddress.parseList("a:4730, b:1, a, b:1 ,a:4730"))
                .containsExactly(new ServerAddress("a", 4730), new ServerAddress("b", 1));
    }

    @Test
    void listIsImmutable() {
        assertThatThrownBy(() -> ServerAddress.parseList("a:1").add(new ServerAddress("b", 2)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void emptyListExplainsWhatIsExpected(String servers) {
        assertThatThrownBy(() -> ServerAddress.parseList(servers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gear1:abc", "gear1:", "gear1:47 30", "gear1:4730x"})
    void nonNumericPortNamesTheServerAndTheFormat(String text) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gear1:0", "gear1:65536", "gear1:-1"})
    void portOutOfRangeGivesTheAllowedRange(String text) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..65535")
                .hasMessageContaining(text.substring(text.indexOf(':') + 1));
    }

    @Test
    void highestPortIsAccepted() {
        assertThat(ServerAddress.parse("gear1:65535").port()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {":4730", "a:1,,b:2", "a:1, ,b:2"})
    void missingHostIsRejected(String servers) {
        assertThatThrownBy(() -> ServerAddress.parseList(servers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host must not be empty");
    }
}
