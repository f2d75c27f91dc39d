package io.gearworker.worker.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.gearworker.camel.gearman.GearmanComponentConfigurer;
import io.gearworker.camel.gearman.OptionValues;

/**
 * Checks the {@code camel.component.*} properties as written, before Camel converts them ({@link OptionValues} says
 * why and how). Also refuses a {@code camel.component.<name>} whose component is not on the class path (a misspelt
 * prefix). Each problem is one line naming the property, its value as written and where it was set.
 */
final class ComponentProperties {

    private static final String PREFIX = "camel.component.";

    private ComponentProperties() {
    }

    /** The first problem among the properties Camel will read, or {@code null} when there is none. */
    static String problem(Path applicationProperties) throws IOException {
        Map<String, String> written = new TreeMap<>();
        Properties file = new Properties();
        if (Files.isReadable(applicationProperties)) {
            try (Reader in = Files.newBufferedReader(applicationProperties)) {
                file.load(in);
            }
        } else {
            try (InputStream in = ComponentProperties.class.getResourceAsStream("/application.properties")) {
                if (in != null) {
                    file.load(in);
                }
            }
        }
        file.stringPropertyNames().forEach(k -> written.put(k, "application.properties"));
        System.getProperties().stringPropertyNames().forEach(k -> written.put(k, "-D" + k));
        for (Map.Entry<String, String> e : written.entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String value = e.getValue().startsWith("-D") ? System.getProperty(e.getKey()) : file.getProperty(e.getKey());
            String problem = problem(e.getKey(), value.strip());
            if (problem != null) {
                return e.getKey() + " = " + value.strip() + " (" + e.getValue() + "): " + problem;
            }
        }
        return null;
    }

    /** What is wrong with one {@code camel.component.<name>.<option>} value, or {@code null}. */
    static String problem(String key, String value) {
        String rest = key.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        String component = dot < 0 ? rest : rest.substring(0, dot);
        if (!component.equals("gearman")) {
            // Camel finds a component the same way: a service file named after it
            return ComponentProperties.class.getResource("/META-INF/services/org/apache/camel/component/"
                                                         + component) == null
                   ? "no component '" + component + "' on the class path (the gearman component is 'gearman')"
                   : null;
        }
        if (dot < 0) {
            return null;
        }
        String option = rest.substring(dot + 1).replace("-", "").toLowerCase(Locale.ROOT);
        return OptionValues.problem(new GearmanComponentConfigurer().getOptionType(option, true), value);
    }
}
