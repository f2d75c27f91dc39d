package io.gearworker.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example routes' logic, with the gearman: input replaced by direct: (no server needed). */
class ExampleRoutesTest {

    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.addRoutes(new ReverseRoute());
        context.addRoutes(new SleepRoute());
        Resource yaml = ResourceHelper.resolveMandatoryResource(context,
                "file:" + Path.of("yaml/upper.camel.yaml").toAbsolutePath());
        PluginHelper.getRoutesLoader(context).loadRoutes(yaml);
        for (String id : new String[] { "reverse", "sleep", "upper" }) {
            AdviceWith.adviceWith(context, id, a -> a.replaceFromWith("direct:" + id));
        }
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private Exchange send(String route, String body) {
        return context.createProducerTemplate().request("direct:" + route, e -> e.getMessage().setBody(body));
    }

    @Test
    void reverseReversesText() {
        assertThat(send("reverse", "hello wörld").getMessage().getBody(String.class)).isEqualTo("dlröw olleh");
    }

    @Test
    void sleepSleepsAndSaysHowLong() {
        long start = System.nanoTime();
        assertThat(send("sleep", "50").getMessage().getBody(String.class)).isEqualTo("slept 50 ms");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(50_000_000L);
    }

    @Test
    void sleepRejectsAWorkloadThatIsNotMilliseconds() {
        assertThat(send("sleep", "soon").getException())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> { throw send("sleep", "-5").getException(); })
                .hasMessageContaining(">= 0");
    }

    @Test
    void yamlRouteLoadsWithoutCompiling() {
        assertThat(send("upper", "quiet please").getMessage().getBody(String.class)).isEqualTo("QUIET PLEASE");
    }
}
