package io.gearworker.camel.gearman.console;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code gearman} dev console, found as Camel tooling finds it, against a consumer holding a job. */
class GearmanDevConsoleIT extends CamelTestSupport {

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final String function = Gearman.uniqueFunction("console");
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("gearman:" + function + "?servers=" + gearmand.servers() + "&concurrentConsumers=2"
                     + "&workerId=console-it").routeId("held")
                        .process(e -> release.await(20, TimeUnit.SECONDS));
            }
        };
    }

    @Test
    void showsServersConnectionsSlotsAndTheJobInFlightAsTextAndJson() throws Exception {
        DevConsole console = PluginHelper.getDevConsoleResolver(context).resolveDevConsole("gearman");
        assertThat(console).as("META-INF/services/org/apache/camel/dev-console/gearman").isNotNull();
        assertThat(console.getGroup()).isEqualTo("camel");

        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().connectionsFor(function) == 2);
        CompletableFuture<String> job = CompletableFuture.supplyAsync(() -> gearmand.submit(function, "held"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gearmand.client().status(function).running() == 1);

        JsonObject json = (JsonObject) console.call(DevConsole.MediaType.JSON, Map.of());
        JsonObject consumer = (JsonObject) ((JsonArray) json.get("consumers")).get(0);
        assertThat(consumer).containsEntry("routeId", "held").containsEntry("function", function)
                .containsEntry("workerId", "console-it").containsEntry("slots", 2).containsEntry("inFlight", 1);
        JsonObject server = (JsonObject) ((JsonArray) consumer.get("servers")).get(0);
        assertThat(server).containsEntry("server", gearmand.servers()).containsEntry("connected", 2)
                .containsEntry("connections", 2);

        String text = (String) console.call(DevConsole.MediaType.TEXT, Map.of());
        assertThat(text).contains("Route held: function " + function + ", worker console-it",
                "slots: 2, in flight: 1", "server " + gearmand.servers() + ": 2/2 connections registered");

        release.countDown();
        assertThat(job.get(10, TimeUnit.SECONDS)).isEqualTo("held");
    }
}
