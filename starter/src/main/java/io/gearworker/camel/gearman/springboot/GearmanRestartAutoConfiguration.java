package io.gearworker.camel.gearman.springboot;

import java.util.ArrayList;
import java.util.List;

import io.gearworker.camel.gearman.GearmanComponent;
import io.gearworker.camel.gearman.policy.MaxJobsRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxLifetimeRoutePolicy;
import io.gearworker.camel.gearman.policy.MaxMemoryRoutePolicy;
import io.gearworker.camel.gearman.policy.RestartPolicySupport;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The opt-in restart policies: present only when {@code camel.component.gearman.restart.max-jobs},
 * {@code …max-lifetime} or {@code …max-memory} is set. Each limit set becomes a route policy on every gearman route;
 * the first one reached ends the application through {@link GearmanApplicationExit}.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(GearmanRestartAutoConfiguration.AnyLimitSet.class)
@EnableConfigurationProperties(GearmanRestartProperties.class)
public class GearmanRestartAutoConfiguration {

    @Bean
    public CamelContextConfiguration gearmanRestartPolicies(GearmanRestartProperties properties,
            ConfigurableApplicationContext applicationContext) {
        GearmanApplicationExit exit = new GearmanApplicationExit(applicationContext);
        List<RestartPolicySupport> policies = policies(properties);
        policies.forEach(p -> p.setRestartRequest(exit));
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                camelContext.getComponent("gearman", GearmanComponent.class).addJobListener(exit);
                policies.forEach(p -> camelContext.addRoutePolicyFactory(new GearmanJobRoutesPolicyFactory(p)));
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }

    /** One policy per limit set, each drawing its jitter now (once per process). */
    static List<RestartPolicySupport> policies(GearmanRestartProperties properties) {
        List<RestartPolicySupport> policies = new ArrayList<>();
        if (properties.getMaxJobs() != null) {
            policies.add(new MaxJobsRoutePolicy(properties.getMaxJobs(), properties.getMaxJobsJitter()));
        }
        if (properties.getMaxLifetime() != null) {
            policies.add(new MaxLifetimeRoutePolicy(properties.getMaxLifetime(), properties.getMaxLifetimeJitter()));
        }
        if (properties.getMaxMemory() != null) {
            policies.add(new MaxMemoryRoutePolicy(properties.getMaxMemory().toBytes()));
        }
        return policies;
    }

    static final class AnyLimitSet extends AnyNestedCondition {

        AnyLimitSet() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "camel.component.gearman.restart", name = "max-jobs")
        static final class MaxJobs {
        }

        @ConditionalOnProperty(prefix = "camel.component.gearman.restart", name = "max-lifetime")
        static final class MaxLifetime {
        }

        @ConditionalOnProperty(prefix = "camel.component.gearman.restart", name = "max-memory")
        static final class MaxMemory {
        }
    }
}
