package io.gearworker.camel.gearman.springboot;

import io.gearworker.camel.gearman.GearmanComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Binds {@code camel.component.gearman.*} to the gearman component, the way Camel's own starters do: a
 * {@link ComponentCustomizer} that copies the properties set onto the component when Camel creates it.
 * {@code camel.component.gearman.customizer.enabled=false} (or {@code camel.component.customizer.enabled=false})
 * turns the copying off.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, GearmanComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.gearman" })
public class GearmanComponentAutoConfiguration {

    @Lazy
    @Bean
    public ComponentCustomizer configureGearmanComponent(CamelContext camelContext,
            ApplicationContext applicationContext, GearmanComponentConfiguration configuration) {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return target instanceof GearmanComponent
                       && HierarchicalPropertiesEvaluator.evaluate(applicationContext,
                               "camel.component.customizer", "camel.component.gearman.customizer");
            }
        };
    }
}
