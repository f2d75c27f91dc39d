package io.gearworker.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's packages depend on each other in one direction only (cli on fleet and http, http on runtime, …): a
 * cycle would tie packages together that others build on apart. Reads the dependencies from the sources: every
 * mention of a class of another package of the application, imported or written out in full.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final String ROOT = "io.gearworker.worker";
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(" + Pattern.quote(ROOT)
                                                             + "(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        assertThat(graph).as("the packages found").containsKeys(ROOT + ".cli", ROOT + ".fleet", ROOT + ".runtime");
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> cycle = cycleThrough(start, graph);
            if (cycle != null) {
                cycles.add(String.join(" -> ", cycle));
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void theCheckSeesACycle() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"));
        assertThat(cycleThrough("a", graph)).containsExactly("a", "b", "c", "a");
        assertThat(cycleThrough("a", Map.of("a", Set.of("b"), "b", Set.of()))).isNull();
    }

    /** Each package of the application and the other packages of the application its sources mention. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher p = PACKAGE.matcher(source);
                assertThat(p.find()).as("package declaration of " + file).isTrue();
                String pkg = p.group(1);
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(source);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** A path from the package back to itself, or null. */
    static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
        Deque<List<String>> paths = new ArrayDeque<>();
        paths.add(List.of(start));
        Set<String> seen = new TreeSet<>();
        while (!paths.isEmpty()) {
            List<String> path = paths.poll();
            for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(start)) {
                    return longer;
                }
                if (seen.add(next)) {
                    paths.add(longer);
                }
            }
        }
        return null;
    }
}
