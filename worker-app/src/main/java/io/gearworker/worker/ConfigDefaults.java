package io.gearworker.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that the command line did not give: from the environment ({@code --max-jobs} →
 * {@code GEARMAN_MAX_JOBS}), then from {@code application.properties} ({@code gearman.max-jobs}) in the working
 * directory, else on the classpath. The command line wins over both; the environment over the file.
 */
final class ConfigDefaults implements IDefaultValueProvider {

    private final Map<String, String> env;
    private final Properties properties;

    ConfigDefaults(Map<String, String> env, Properties properties) {
        this.env = env;
        this.properties = properties;
    }

    static ConfigDefaults fromEnvironment() {
        return new ConfigDefaults(System.getenv(), loadProperties());
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^--", "");
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = properties.getProperty("gearman." + name);
        return fromFile != null ? fromFile : option.defaultValue();
    }

    static String envName(String option) {
        return "GEARMAN_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Properties loadProperties() {
        Properties p = new Properties();
        Path local = Path.of("application.properties");
        try (InputStream in = Files.isReadable(local) ? Files.newInputStream(local)
                : ConfigDefaults.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties: " + e.getMessage(), e);
        }
        return p;
    }
}
