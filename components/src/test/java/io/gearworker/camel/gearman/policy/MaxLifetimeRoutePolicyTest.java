package io.gearworker.camel.gearman.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The lifetime timer of a process that leaves early (SIGTERM, max-jobs) must not hold up Camel's stop. */
class MaxLifetimeRoutePolicyTest {

    @Test
    void stoppingBeforeTheLifetimeIsOverDoesNotWaitForTheTimer() throws Exception {
        MaxLifetimeRoutePolicy policy = new MaxLifetimeRoutePolicy(Duration.ofHours(1), Duration.ZERO);
        AtomicReference<String> fired = new AtomicReference<>();
        policy.setRestartRequest(fired::set);
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // shared by two routes, as the worker attaches one policy to every job route
                from("direct:a").routeId("a").routePolicy(policy).log("a");
                from("direct:b").routeId("b").routePolicy(policy).log("b");
            }
        });
        context.start();

        long start = System.nanoTime();
        context.stop();

        // Camel's fail-safe shutdown of a forgotten scheduler waits 10 s for its pending timer
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(fired.get()).isNull();
    }
}
