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
import java.util.regex.Pattern;

import io.gearworker.camel.gearman.GearmanComponentConfigurer;

/**
 * Checks the {@code camel.component.*} properties as written, before Camel converts them: Camel narrows a number
 * that does not fit an option's type ({@code max-payload-size = 4294967297} became 1) and reads a long it cannot parse
 * as 0, so the component's own checks would see, and report, another value than the one written. Also refuses a
 * {@code camel.component.<name>} whose component is not on the class path (a misspelt prefix). Each problem is one
 * line naming the property, its value as written and where it was set.
 */
final class ComponentProperties {

    private static final String PREFIX = "camel.component.";
    /** Camel also reads a long option as a duration in milliseconds: {@code 3000}, {@code 3s}, {@code 1m30s}. */
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d))+");

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
        if (dot < 0 || value.startsWith("#") || value.startsWith("{{")) {
            return null; // a bean reference or a placeholder: Camel resolves it first
        }
        String option = rest.substring(dot + 1).replace("-", "").toLowerCase(Locale.ROOT);
        Class<?> type = new GearmanComponentConfigurer().getOptionType(option, true);
        if (type == int.class) {
            try {
                Integer.parseInt(value);
            } catch (NumberFormatException e) {
                return "not a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
            }
        } else if (type == long.class) {
            try {
                Long.parseLong(value);
            } catch (NumberFormatException e) {
                if (!DURATION.matcher(value).matches()) {
                    return "not a whole number of milliseconds nor a duration like 3s or 1m30s";
                }
            }
        } else if (type == boolean.class && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            return "not true or false";
        }
        return null;
    }
}
