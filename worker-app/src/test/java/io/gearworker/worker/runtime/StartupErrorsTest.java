package io.gearworker.worker.runtime;

import java.io.IOException;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.ResolveEndpointFailedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupErrorsTest {

    @Test
    void badEndpointOptionInARouteNamesRouteSourceAndOptionOnOneLine() {
        Exception e = new FailedToCreateRouteException("bad", "file:/r/bad.yaml", "Route(bad)[...]",
                new ResolveEndpointFailedException("gearman://x?concurrentConsumers=0",
                        new IllegalArgumentException("gearman: option concurrentConsumers=0 is invalid;\n"
                                                     + "allowed: an integer >= 1")));

        assertThat(StartupErrors.configurationError(e))
                .isEqualTo("route 'bad' (file:/r/bad.yaml): gearman: option concurrentConsumers=0 is invalid;"
                           + " allowed: an integer >= 1");
    }

    @Test
    void propertyBindingErrorNamesTheProperty() {
        Exception e = new RuntimeException("wrapped",
                new PropertyBindingException(new Object(), "concurrentConsumers", "zero",
                        new NumberFormatException("For input string: \"zero\"")));

        assertThat(StartupErrors.configurationError(e)).contains("concurrentConsumers").doesNotContain("\n");
    }

    @Test
    void aSettingThatDoesNotBindIsReportedWithItsValueAsWritten() {
        Exception e = new RuntimeException("wrapped", new PropertyBindingException("workflow route settings",
                "fanout.max-in-flight", "0", new IllegalArgumentException("must be a whole number >= 1")));

        assertThat(StartupErrors.configurationError(e))
                .isEqualTo("property fanout.max-in-flight = 0: must be a whole number >= 1");
    }

    @Test
    void otherStartupFailuresAreNotConfigurationErrors() {
        Exception e = new FailedToStartRouteException("reverse", "cannot reach gearmand",
                new IOException("Connection refused"));

        assertThat(StartupErrors.configurationError(e)).isNull();
    }
}
