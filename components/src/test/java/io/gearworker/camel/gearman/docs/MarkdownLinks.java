package io.gearworker.camel.gearman.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Relative links of Markdown pages that point nowhere: to a file that does not exist, or to a {@code #anchor}
 * that no heading of the target page makes (anchors as GitHub makes them). Links in code are not links;
 * links with a scheme ({@code https:}, {@code mailto:}) are not checked.
 */
public final class MarkdownLinks {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    private final Map<Path, Set<String>> anchorsByPage = new HashMap<>();

    private MarkdownLinks() {
    }

    /** "page: link (why)" for every broken relative link of the pages, each page named relative to root. */
    public static List<String> broken(Path root, List<Path> pages) {
        MarkdownLinks links = new MarkdownLinks();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            for (String target : links.targets(page)) {
                String why = links.whyBroken(page, target);
                if (why != null) {
                    broken.add(root.relativize(page) + ": " + target + " (" + why + ")");
                }
            }
        }
        return broken;
    }

    private List<String> targets(Path page) {
        List<String> targets = new ArrayList<>();
        for (String line : proseLines(page)) {
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (!SCHEME.matcher(target).find()) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    private String whyBroken(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (hash < 0 || !resolved.getFileName().toString().endsWith(".md")) {
            return null;
        }
        String anchor = target.substring(hash + 1);
        return anchorsOf(resolved).contains(anchor) ? null : "no heading makes this anchor";
    }

    private Set<String> anchorsOf(Path page) {
        return anchorsByPage.computeIfAbsent(page, p -> {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (String line : proseLines(p)) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String anchor = anchor(heading.group(1));
                    int count = seen.merge(anchor, 1, Integer::sum);
                    anchors.add(count == 1 ? anchor : anchor + "-" + (count - 1));
                }
            }
            return anchors;
        });
    }

    /** GitHub's anchor of a heading: link targets dropped, lower case, punctuation removed, spaces to hyphens. */
    static String anchor(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N}\\p{Mn}_\\- ]", "").replace(' ', '-');
    }

    /** The lines outside fenced code blocks. */
    private static List<String> proseLines(Path page) {
        List<String> prose = new ArrayList<>();
        boolean inFence = false;
        try {
            for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
                if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                    inFence = !inFence;
                } else if (!inFence) {
                    prose.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prose;
    }
}
