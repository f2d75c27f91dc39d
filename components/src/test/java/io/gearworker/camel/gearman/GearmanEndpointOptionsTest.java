package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.gearworker.camel.gearman.protocol.JobPriority;
import org.apache.camel.CamelContext;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad URI options fail when the endpoint is created, with a message that names the option. No server needed. */
class GearmanEndpointOptionsTest {

    private CamelContext context;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    /** All messages of the cause chain, outermost first. */
    private static String messages(Throwable e) {
        List<String> all = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.add(t.getMessage());
        }
        return String.join(" | ", all);
    }

    @Test
    void concurrentConsumersBelowOneIsRefused() {
        assertThatThrownBy(() -> context.getEndpoint("gearman:fn?concurrentConsumers=0"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .satisfies(e -> assertThat(messages(e))
                        .contains("concurrentConsumers=0 is invalid")
                        .contains(">= 1"));
    }

    @Test
    void unknownPriorityIsRefused() {
        assertThatThrownBy(() -> context.getEndpoint("gearman:fn?priority=urgent"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .satisfies(e -> assertThat(messages(e)).contains("priority").contains("urgent"));
    }

    @Test
    void aNumberThatDoesNotFitItsOptionIsRefusedAsWrittenNotNarrowed() {
        assertThatThrownBy(() -> context.getEndpoint("gearman:fn?maxPayloadSize=4294967297"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .satisfies(e -> assertThat(messages(e)).contains("maxPayloadSize=4294967297")
                        .contains("not a whole number from"));
        assertThatThrownBy(() -> context.getEndpoint("gearman:fn?connectTimeout=abc"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .satisfies(e -> assertThat(messages(e)).contains("connectTimeout=abc"));
        assertThat(context.getEndpoint("gearman:fn?connectTimeout=5s", GearmanEndpoint.class).getConfiguration()
                .getConnectTimeout()).as("a long option also takes a duration").isEqualTo(5000);
    }

    @Test
    void unknownOptionIsRefused() {
        assertThatThrownBy(() -> context.getEndpoint("gearman:fn?noSuchOption=1"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .satisfies(e -> assertThat(messages(e)).contains("noSuchOption"));
    }

    @Test
    void validOptionsAreTypedAtCreation() {
        GearmanEndpoint endpoint = context.getEndpoint(
                "gearman:fn?servers=10.0.0.1:4731,10.0.0.2&concurrentConsumers=3&priority=HIGH&timeout=250",
                GearmanEndpoint.class);

        GearmanConfiguration cfg = endpoint.getConfiguration();
        assertThat(cfg.getFunctionName()).isEqualTo("fn");
        assertThat(cfg.serverList()).extracting(Object::toString).containsExactly("10.0.0.1:4731", "10.0.0.2:4730");
        assertThat(cfg.getConcurrentConsumers()).isEqualTo(3);
        assertThat(cfg.getPriority()).isEqualTo(JobPriority.HIGH);
        assertThat(cfg.getTimeout()).isEqualTo(250);
    }
}
