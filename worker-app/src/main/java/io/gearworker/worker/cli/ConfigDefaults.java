package io.gearworker.worker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option values that the command line did not give: from the environment ({@code --max-jobs} →
 * {@code GEARMAN_MAX_JOBS}), then from {@code application.properties} ({@code gearman.max-jobs}) in the working
 * directory, else on the classpath. The command line wins over both; the environment over the file.
 */
public final class ConfigDefaults implements IDefaultValueProvider {

    private final Map<String, String> env;
    private final Properties properties;
    private final Predicate<String> applies;

    ConfigDefaults(Map<String, String> env, Properties properties, Predicate<String> applies) {
        this.env = env;
        this.properties = properties;
        this.applies = applies;
    }

    /** Defaults for every option of the {@code run} command. */
    public static ConfigDefaults forWorker() {
        return new ConfigDefaults(System.getenv(), loadProperties(), option -> true);
    }

    /**
     * Defaults for the client commands: only where the worker's setting means the same thing there (its servers,
     * its control secret) — a worker's GEARMAN_CONCURRENCY must not become submit's --concurrency.
     */
    public static ConfigDefaults forClients() {
        return new ConfigDefaults(System.getenv(), loadProperties(), Set.of("servers", "control-secret")::contains);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^--", "");
        if (!applies.test(name)) {
            return option.defaultValue();
        }
        // the option's name first, then its older names (--jitter for --max-lifetime-jitter): their keys still work
        List<String> names = Arrays.stream(option.names()).filter(n -> n.startsWith("--"))
                .map(n -> n.substring(2)).sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String n : names) {
            String fromEnv = env.get(envName(n));
            if (fromEnv != null) {
                return fromEnv;
            }
        }
        for (String n : names) {
            String fromFile = properties.getProperty("gearman." + n);
            if (fromFile != null) {
                return fromFile;
            }
        }
        return option.defaultValue();
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
