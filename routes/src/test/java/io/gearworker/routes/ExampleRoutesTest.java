package io.gearworker.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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

    private Exchange send(String route, Object body) {
        return context.createProducerTemplate().request("direct:" + route, e -> e.getMessage().setBody(body));
    }

    @Test
    void reverseReversesText() {
        assertThat(send("reverse", "hello world").getMessage().getBody(String.class)).isEqualTo("dlrow olleh");
    }

    @Test
    void reverseReversesBytesLikePhpStrrev() {
        byte[] workload = { (byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, 'a', 'b', 'c', (byte) 0xc3 };
        byte[] result = send("reverse", workload).getMessage().getBody(byte[].class);
        assertThat(result).containsExactly((byte) 0xc3, 'c', 'b', 'a', (byte) 0x80, 0x00, (byte) 0xfe, (byte) 0xff);
        // a multi-byte UTF-8 character comes back with its bytes reversed, as from strrev: ö = c3 b6
        assertThat(send("reverse", "wö".getBytes(StandardCharsets.UTF_8)).getMessage().getBody(byte[].class))
                .containsExactly((byte) 0xb6, (byte) 0xc3, 'w');
        assertThat(send("reverse", new byte[0]).getMessage().getBody(byte[].class)).isEmpty();
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
