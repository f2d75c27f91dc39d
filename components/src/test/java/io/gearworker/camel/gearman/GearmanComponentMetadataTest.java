package io.gearworker.camel.gearman;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.catalog.RuntimeCamelCatalog;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generated metadata in the jar: component JSON for Camel's catalog and configurers without reflection. */
class GearmanComponentMetadataTest {

    private final CamelContext context = new DefaultCamelContext();

    /** Every option of GearmanConfiguration, by its field name (the option name). */
    private static final List<String> OPTIONS = Arrays.stream(GearmanConfiguration.class.getDeclaredFields())
            .filter(f -> f.isAnnotationPresent(UriParam.class))
            .map(java.lang.reflect.Field::getName)
            .toList();

    @BeforeEach
    void start() {
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void catalogListsEveryOptionAsComponentAndEndpointOption() throws Exception {
        RuntimeCamelCatalog catalog = context.getCamelContextExtension().getContextPlugin(RuntimeCamelCatalog.class);
        String json = catalog.componentJSonSchema("gearman");
        assertThat(json).isNotNull();

        JsonObject schema = (JsonObject) Jsoner.deserialize(json);
        assertThat(section(schema, "component")).containsEntry("scheme", "gearman")
                .containsEntry("syntax", "gearman:functionName");
        assertThat(OPTIONS).contains("servers", "concurrentConsumers", "workerId", "maxPayloadSize");
        assertThat(section(schema, "componentProperties")).containsKeys(OPTIONS.toArray(String[]::new));
        assertThat(section(schema, "properties")).containsKeys(OPTIONS.toArray(String[]::new))
                .containsKey("functionName");
        // the health-check switches of a HealthCheckComponent are component options too
        assertThat(section(schema, "componentProperties"))
                .containsKeys("healthCheckConsumerEnabled", "healthCheckProducerEnabled");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(JsonObject schema, String name) {
        return (Map<String, Object>) schema.get(name);
    }

    @Test
    void componentAndEndpointHaveGeneratedConfigurers() {
        PropertyConfigurer component = PluginHelper.getConfigurerResolver(context)
                .resolvePropertyConfigurer("gearman-component", context);
        PropertyConfigurer endpoint = PluginHelper.getConfigurerResolver(context)
                .resolvePropertyConfigurer("gearman-endpoint", context);
        assertThat(component).isInstanceOf(GearmanComponentConfigurer.class);
        assertThat(endpoint).isInstanceOf(GearmanEndpointConfigurer.class);
    }

    @Test
    void componentOptionsBindInKebabCaseOntoTheSharedConfiguration() {
        GearmanComponent gearman = context.getComponent("gearman", GearmanComponent.class);
        PropertyBindingSupport.build().withIgnoreCase(true).bind(context, gearman, new java.util.HashMap<>(Map.of(
                "servers", "10.0.0.9:4731", "concurrent-consumers", "4", "worker-id", "w7", "priority", "high")));

        GearmanEndpoint endpoint = context.getEndpoint("gearman:fn", GearmanEndpoint.class);
        assertThat(endpoint.getConfiguration().getServers()).isEqualTo("10.0.0.9:4731");
        assertThat(endpoint.getConfiguration().getConcurrentConsumers()).isEqualTo(4);
        assertThat(endpoint.getConfiguration().getWorkerId()).isEqualTo("w7");
        assertThat(endpoint.getConfiguration().getPriority().toString()).isEqualTo("high");
    }
}
