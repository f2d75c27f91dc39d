package io.gearworker.worker.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Host headers the dashboard answers: rebinding needs a name, so names pass only when local or allowed. */
class HostCheckTest {

    private static final HostCheck CHECK = new HostCheck(List.of("dash.example.org", "Ops.Example."));

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:8080", "10.1.2.3:9", "0.0.0.0", "[::1]", "[::1]:8080",
                            "[fe80::1%eth0]:80", "[::ffff:10.0.0.9]:8080", "localhost", "LOCALHOST:8080",
                            "localhost.", "dash.localhost:8080", "dash.example.org", "DASH.example.org:443",
                            "ops.example", "ops.example.:80"})
    void ipLiteralsLoopbackNamesAndAllowedNamesPass(String host) {
        assertThat(CHECK.allows(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "evil.example:8080", "", "localhost.evil.example", "127.0.0.1.nip.io",
                            "256.1.1.1", "1.2.3", "[::1", "::1", "example.org", "x.dash.example.org",
                            "dash.example.org.evil"})
    void anyOtherNameIsRefused(String host) {
        assertThat(CHECK.allows(host)).isFalse();
    }

    @Test
    void noHeaderAtAllIsNoRebinding() {
        assertThat(CHECK.allows(null)).isTrue();
    }
}
