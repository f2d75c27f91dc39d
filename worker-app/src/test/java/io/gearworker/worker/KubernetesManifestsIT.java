package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gearworker.camel.gearman.test.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests of {@code setup/k8s/}, offline: every document validates against the JSON schema of its
 * kind (Kubernetes' own, and KEDA's for the ScaledObject) with {@code setup/k8s/validate/validate.mjs}, which
 * {@code setup/install.sh} installs; and what the schemas cannot know is checked here: the grace period covers the
 * drain, the probes and the scrape annotations point at the worker's HTTP endpoint, every {@code GEARMAN_*}
 * variable is a {@code run} option, and the ScaledObject scales the worker Deployment on the queue depth.
 */
class KubernetesManifestsIT {

    private static final Path K8S = Path.of("..", "setup", "k8s").toAbsolutePath().normalize();
    private static final Path VALIDATOR = K8S.resolve("validate");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestValidatesAgainstTheSchemaOfItsKind() throws IOException {
        List<Path> files = manifests();
        assertThat(files).extracting(f -> K8S.relativize(f).toString())
                .contains("deployment.yaml", "configmap.yaml", "dashboard.yaml", "keda/scaledobject.yaml");

        ExternalProcess.Result r = validate(files);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> ok = r.stdout().lines().filter(l -> l.startsWith("OK ")).toList();
        assertThat(ok).as(r.toString()).hasSize(documents(files).size());
        assertThat(ok).as(r.toString()).anyMatch(l -> l.contains("keda.sh/v1alpha1 ScaledObject gearman-worker"));
        assertThat(r.stdout()).doesNotContain("INVALID");
    }

    @Test
    void theValidatorRejectsWhatTheSchemasForbid(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: w}
                spec: {replicas: three}
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: w}
                spec:
                  scaleTargetRef: {name: w}
                  triggers: [{type: prometheus, metadata: {threshold: 50}}]
                ---
                apiVersion: example.com/v1
                kind: Unknown
                metadata: {name: w}
                """);

        ExternalProcess.Result r = validate(List.of(bad));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout().lines().filter(l -> l.startsWith("INVALID"))).as(r.toString()).hasSize(3);
        assertThat(r.stdout()).contains("replicas must be integer", "no schema known for example.com/v1 Unknown");
    }

    @Test
    void theWorkerDeploymentDrainsWithinItsGracePeriodAndIsProbedOnItsHttpEndpoint() throws IOException {
        JsonNode deployment = single("deployment.yaml");
        JsonNode config = single("configmap.yaml").path("data");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertThat(pod.path("containers")).as("one worker per pod").hasSize(1);

        long shutdownSeconds = seconds(config.path("GEARMAN_SHUTDOWN_TIMEOUT").asText());
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .as("SIGKILL only after the drain and Camel's stop").isGreaterThanOrEqualTo(shutdownSeconds + 5);

        Map<String, String> env = envValues(container);
        int httpPort = Integer.parseInt(env.get("GEARMAN_HTTP_PORT"));
        assertThat(env.get("GEARMAN_HTTP_HOST")).as("reachable from the kubelet and Prometheus").isEqualTo("0.0.0.0");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(httpPort);
        String portName = container.at("/ports/0/name").asText();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo(portName);
        }
        JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(httpPort));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt())
                .as("a new pod is ready before an old one drains").isZero();
        assertThat(container.at("/envFrom/0/configMapRef/name").asText())
                .isEqualTo(single("configmap.yaml").at("/metadata/name").asText());

        Set<String> gearmanVariables = new TreeSet<>(env.keySet());
        config.fieldNames().forEachRemaining(gearmanVariables::add);
        gearmanVariables.removeIf(name -> !name.startsWith("GEARMAN_"));
        assertThat(gearmanVariables).as("every GEARMAN_* variable is a run option (or the log level)")
                .isSubsetOf(runOptionVariables());
    }

    @Test
    void theScaledObjectScalesTheWorkerDeploymentOnTheQueueDepth() throws IOException {
        JsonNode scaled = single("keda/scaledobject.yaml");
        JsonNode deployment = single("deployment.yaml");

        assertThat(scaled.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(scaled.at("/spec/scaleTargetRef/name").asText())
                .isEqualTo(deployment.at("/metadata/name").asText());
        assertThat(scaled.at("/spec/minReplicaCount").asInt()).isPositive();
        assertThat(scaled.at("/spec/maxReplicaCount").asInt())
                .isGreaterThanOrEqualTo(scaled.at("/spec/minReplicaCount").asInt());
        JsonNode trigger = scaled.at("/spec/triggers/0");
        assertThat(trigger.path("type").asText()).isEqualTo("prometheus");
        assertThat(trigger.at("/metadata/serverAddress").asText()).startsWith("http");
        assertThat(trigger.at("/metadata/query").asText()).contains("gearman_queue_jobs", "state=\"queued\"");
        assertThat(Double.parseDouble(trigger.at("/metadata/threshold").asText())).isPositive();
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .filter(f -> !f.startsWith(VALIDATOR))
                    .sorted()
                    .toList();
        }
    }

    private static ExternalProcess.Result validate(List<Path> files) {
        assertThat(VALIDATOR.resolve("node_modules")).as("the validator is installed by setup/install.sh")
                .isDirectory();
        List<String> command = new ArrayList<>(List.of("node", VALIDATOR.resolve("validate.mjs").toString()));
        files.forEach(f -> command.add(f.toString()));
        return ExternalProcess.run(LIMIT, command.toArray(String[]::new));
    }

    private static List<JsonNode> documents(List<Path> files) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (Path f : files) {
            YAML.readValues(YAML.getFactory().createParser(f.toFile()), JsonNode.class).readAll().stream()
                    .filter(d -> d != null && !d.isMissingNode() && !d.isNull())
                    .forEach(docs::add);
        }
        return docs;
    }

    private static JsonNode single(String file) throws IOException {
        List<JsonNode> docs = documents(List.of(K8S.resolve(file)));
        assertThat(docs).as(file).hasSize(1);
        return docs.get(0);
    }

    private static Map<String, String> envValues(JsonNode container) {
        Map<String, String> env = new TreeMap<>();
        for (JsonNode e : container.path("env")) {
            env.put(e.path("name").asText(), e.path("value").asText(null));
        }
        return env;
    }

    private static Set<String> runOptionVariables() {
        Set<String> names = WorkerMain.commandLine().getSubcommands().get("run").getCommandSpec().options().stream()
                .flatMap(o -> Arrays.stream(o.names())) // an option's older names (--jitter) still work
                .filter(n -> n.startsWith("--"))
                .map(n -> "GEARMAN_" + n.substring(2).toUpperCase(Locale.ROOT).replace('-', '_'))
                .collect(Collectors.toCollection(TreeSet::new));
        names.add("GEARMAN_LOG_LEVEL");
        return names;
    }

    /** {@code 30s}, {@code 2m}, {@code 500ms} or bare seconds, as the run options write durations. */
    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(duration.trim());
        assertThat(m.matches()).as("a duration: " + duration).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> (n + 999) / 1000;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }
}
