package io.gearworker.camel.gearman.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's properties, as the IDE sees them (the configuration processor's
 * {@code spring-configuration-metadata.json}), against the component options of the component's catalog
 * ({@code gearman.json}): same options, same defaults. A component option added, renamed or re-defaulted without
 * the starter following fails here, naming the options that differ.
 */
class GearmanStarterDriftTest {

    private static final String PREFIX = "camel.component.gearman.";
    /** The starter's own properties, not component options: Camel's per-component switches and the restart group. */
    private static final Set<String> STARTER_ONLY = Set.of("enabled", "customizer.enabled");

    @Test
    void starterPropertiesAreExactlyTheCatalogsComponentOptions() throws Exception {
        Map<String, String> catalog = catalogOptions();
        Map<String, String> starter = starterProperties();

        Set<String> missingInStarter = new TreeSet<>(catalog.keySet());
        missingInStarter.removeAll(starter.keySet());
        Set<String> notInCatalog = new TreeSet<>(starter.keySet());
        notInCatalog.removeAll(catalog.keySet());
        List<String> otherDefault = new ArrayList<>();
        catalog.forEach((name, value) -> {
            if (starter.containsKey(name) && !Objects.equals(value, starter.get(name))) {
                otherDefault.add(name + " (catalog " + value + ", starter " + starter.get(name) + ")");
            }
        });

        assertThat(missingInStarter.isEmpty() && notInCatalog.isEmpty() && otherDefault.isEmpty())
                .as("camel-gearman-starter's GearmanComponentConfiguration differs from the component's gearman.json."
                    + "\n  component options missing in the starter: %s"
                    + "\n  starter properties that are no component option: %s"
                    + "\n  options whose default differs: %s"
                    + "\n  add/remove/fix the fields of GearmanComponentConfiguration (one per component option)",
                        missingInStarter, notInCatalog, otherDefault)
                .isTrue();
    }

    /** Kebab-case name → default (lower-cased text, "" for none) of every component option in gearman.json. */
    private static Map<String, String> catalogOptions() throws IOException {
        JsonObject json = read("META-INF/io/gearworker/camel/gearman/gearman.json");
        Map<String, String> options = new TreeMap<>();
        Map<?, ?> componentProperties = json.getMap("componentProperties");
        componentProperties.forEach((name, option) -> options.put(kebab((String) name),
                text(((Map<?, ?>) option).get("defaultValue"))));
        return options;
    }

    /** Kebab-case name (without the prefix) → default of every property the starter declares for the component. */
    private static Map<String, String> starterProperties() throws IOException {
        JsonObject json = read("META-INF/spring-configuration-metadata.json");
        Map<String, String> properties = new TreeMap<>();
        for (Object p : (JsonArray) json.get("properties")) {
            Map<?, ?> property = (Map<?, ?>) p;
            String name = (String) property.get("name");
            String option = name.substring(PREFIX.length());
            if (name.startsWith(PREFIX) && !STARTER_ONLY.contains(option) && !option.startsWith("restart.")) {
                properties.put(option, text(property.get("defaultValue")));
            }
        }
        return properties;
    }

    private static JsonObject read(String resource) throws IOException {
        InputStream in = GearmanStarterDriftTest.class.getClassLoader().getResourceAsStream(resource);
        assertThat(in).as("%s on the class path", resource).isNotNull();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return (JsonObject) Jsoner.deserialize(reader);
        } catch (org.apache.camel.util.json.DeserializationException e) {
            throw new IOException(resource + ": " + e.getMessage(), e);
        }
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().toLowerCase();
    }
}
