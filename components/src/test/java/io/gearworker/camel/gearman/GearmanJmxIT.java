package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxLifetimeRoutePolicy;
import io.gearworker.camel.gearman.test.Gearman;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer's and the route policies' managed attributes, read as a JMX client would. */
class GearmanJmxIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static GearmandExtension gearmand = new GearmandExtension();

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @Test
    void consumerAndPoliciesAreManaged() throws Exception {
        String fn = Gearman.uniqueFunction("jmx");
        MaxJobsRoutePolicy maxJobs = new MaxJobsRoutePolicy(10);
        MaxLifetimeRoutePolicy lifetime = new MaxLifetimeRoutePolicy(Duration.ofHours(1), Duration.ZERO);
        try (CamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("gearman:" + fn + "?servers=" + gearmand.servers() + "&concurrentConsumers=3&workerId=jmx-w")
                            .routeId("jmx-route").routePolicy(maxJobs, lifetime).transform(constant("done"));
                }
            });
            context.start();
            assertThat(Gearman.call(gearmand.address(), fn, "x", LIMIT)).isEqualTo("done");

            ObjectName consumer = one("org.apache.camel:context=" + context.getName() + ",type=consumers,*");
            assertThat(jmx.getAttribute(consumer, "FunctionName")).isEqualTo(fn);
            assertThat(jmx.getAttribute(consumer, "WorkerId")).isEqualTo("jmx-w");
            assertThat(jmx.getAttribute(consumer, "JobSlots")).isEqualTo(3);
            assertThat(jmx.getAttribute(consumer, "GrabbingPaused")).isEqualTo(false);
            assertThat(jmx.getAttribute(consumer, "HandedBackJobs")).isEqualTo(0);
            await().atMost(LIMIT).untilAsserted(() -> {
                assertThat(jmx.getAttribute(consumer, "InFlightJobs")).isEqualTo(0);
                assertThat(jmx.getAttribute(consumer, "ServerConnections"))
                        .isEqualTo(gearmand.address() + "=3/3 connections, 0 reconnects");
            });

            ObjectName jobsPolicy = withAttribute("Limit");
            assertThat(jmx.getAttribute(jobsPolicy, "Limit")).isEqualTo(10);
            assertThat(jmx.getAttribute(jobsPolicy, "JobsTaken")).isEqualTo(1);
            assertThat(jmx.getAttribute(jobsPolicy, "JobsLeft")).isEqualTo(9);
            assertThat(jmx.getAttribute(jobsPolicy, "Fired")).isEqualTo(false);
            ObjectName lifetimePolicy = withAttribute("TimeLeftMillis");
            assertThat(jmx.getAttribute(lifetimePolicy, "LifetimeMillis")).isEqualTo(3_600_000L);
            assertThat((Long) jmx.getAttribute(lifetimePolicy, "TimeLeftMillis")).isBetween(1L, 3_600_000L);
        }
    }

    private ObjectName one(String pattern) throws Exception {
        Set<ObjectName> names = jmx.queryNames(new ObjectName(pattern), null);
        assertThat(names).as(pattern).hasSize(1);
        return names.iterator().next();
    }

    private ObjectName withAttribute(String attribute) throws Exception {
        Set<ObjectName> all = jmx.queryNames(new ObjectName("org.apache.camel:*"), null);
        for (ObjectName name : all) {
            for (var info : jmx.getMBeanInfo(name).getAttributes()) {
                if (info.getName().equals(attribute)) {
                    return name;
                }
            }
        }
        throw new AssertionError("no MBean with attribute " + attribute + " among " + all);
    }
}
