package io.gearworker.worker;

import static io.gearworker.worker.runtime.EventType.READY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;
import io.gearworker.camel.gearman.test.GearmandExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code run --jmx}: the consumers and restart policies of a running worker, read as a JMX console would. */
class WorkerJmxIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final GearmandExtension GEARMAND = new GearmandExtension();

    @Test
    void withJmxTheConsumersAndPoliciesAreMBeans() throws Exception {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers())
                .args("--jmx", "--concurrency", "2", "--max-jobs", "50", "--max-lifetime", "1h").start()) {
            worker.awaitEvent(READY, LIMIT);
            withJmx(worker.pid(), jmx -> {
                ObjectName reverse = jmx.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null)
                        .stream().filter(n -> attribute(jmx, n, "FunctionName").equals("reverse"))
                        .findFirst().orElseThrow();
                assertThat(jmx.getAttribute(reverse, "JobSlots")).isEqualTo(2);
                assertThat(jmx.getAttribute(reverse, "WorkerId")).isEqualTo(worker.workerId());
                assertThat(jmx.getAttribute(reverse, "GrabbingPaused")).isEqualTo(false);

                ObjectName maxJobs = one(jmx, "org.apache.camel:type=services,name=MaxJobsRoutePolicy*,*");
                assertThat(jmx.getAttribute(maxJobs, "Limit")).isEqualTo(50);
                assertThat(jmx.getAttribute(maxJobs, "JobsLeft")).isEqualTo(50);
                ObjectName lifetime = one(jmx, "org.apache.camel:type=services,name=MaxLifetimeRoutePolicy*,*");
                assertThat(jmx.getAttribute(lifetime, "LifetimeMillis")).isEqualTo(3_600_000L);
            });
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    @Test
    void withoutJmxNoCamelMBeanIsRegistered() throws Exception {
        try (WorkerProcessHandle worker = WorkerProcessHandle.builder(GEARMAND.servers()).start()) {
            worker.awaitEvent(READY, LIMIT);
            withJmx(worker.pid(), jmx -> assertThat(
                    jmx.queryNames(new ObjectName("org.apache.camel:*"), null)).isEmpty());
            worker.signal("TERM");
            assertThat(worker.awaitExit(LIMIT)).as(worker.diagnostics()).isZero();
        }
    }

    private interface JmxCheck {
        void check(MBeanServerConnection jmx) throws Exception;
    }

    private static void withJmx(long pid, JmxCheck check) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
            check.check(c.getMBeanServerConnection());
        } finally {
            vm.detach();
        }
    }

    private static ObjectName one(MBeanServerConnection jmx, String pattern) throws Exception {
        Set<ObjectName> names = jmx.queryNames(new ObjectName(pattern), null);
        assertThat(names).as(pattern).hasSize(1);
        return names.iterator().next();
    }

    private static Object attribute(MBeanServerConnection jmx, ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
