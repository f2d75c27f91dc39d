package io.gearworker.camel.gearman.docs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A generated part of a committed documentation page: the lines between a {@code <!-- BEGIN GENERATED …-->} line
 * and a {@code <!-- END GENERATED -->} line. The page around it is written by hand; the part itself comes from
 * the code, so a test compares the two and fails when they differ — or, with {@code -Ddocs.regenerate=true},
 * rewrites the page.
 */
public final class GeneratedDocs {

    /** Regenerates every generated page of the repository (the tests are named {@code *ReferenceTest}). */
    public static final String REGENERATE_COMMAND = "mvn -B -pl worker-app -am test -Dtest='*ReferenceTest'"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.regenerate=true";

    private static final String BEGIN = "<!-- BEGIN GENERATED";
    private static final String END = "<!-- END GENERATED -->";

    private GeneratedDocs() {
    }

    /** The repository's root directory, found upwards from the module the tests run in. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("setup"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root (a directory with setup/) above "
                    + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The page with its generated part replaced by {@code generated} (which ends with a newline). */
    public static String withGeneratedPart(String page, String generated) {
        return withRegion(page, BEGIN, END, generated);
    }

    /**
     * The page with the lines between the line that contains {@code start} and the next line that begins with
     * {@code end} replaced by {@code generated} (which ends with a newline).
     */
    public static String withRegion(String page, String start, String end, String generated) {
        int begin = page.indexOf(start);
        int stop = begin < 0 ? -1 : page.indexOf("\n" + end, begin) + 1;
        if (begin < 0 || stop <= 0) {
            throw new IllegalArgumentException("the page has no '" + start + "' line followed by '" + end + "'");
        }
        int afterBeginLine = page.indexOf('\n', begin) + 1;
        return page.substring(0, afterBeginLine) + generated + page.substring(stop);
    }

    /**
     * Asserts that the committed page holds what the generator produces now; with {@code -Ddocs.regenerate=true}
     * it writes the page instead.
     */
    public static void assertUpToDate(Path page, String generated) throws IOException {
        assertUpToDate(page, committed -> withGeneratedPart(committed, generated));
    }

    /** The same for a page whose generated parts {@code regenerate} fills in (e.g. several regions). */
    public static void assertUpToDate(Path page, UnaryOperator<String> regenerate) throws IOException {
        String committed = Files.readString(page, StandardCharsets.UTF_8);
        String expected = regenerate.apply(committed);
        if (Boolean.getBoolean("docs.regenerate")) {
            Files.writeString(page, expected, StandardCharsets.UTF_8);
            return;
        }
        if (!committed.equals(expected)) {
            fail(String.format("%s is out of date with the code it documents (%s); regenerate it with%n  %s%n"
                    + "and commit it.", repositoryRoot().relativize(page), firstDifference(committed, expected),
                    REGENERATE_COMMAND));
        }
    }

    private static String firstDifference(String committed, String expected) {
        String[] a = committed.split("\n", -1);
        String[] b = expected.split("\n", -1);
        int line = 0;
        while (line < a.length && line < b.length && a[line].equals(b[line])) {
            line++;
        }
        return "line " + (line + 1) + ": committed '" + (line < a.length ? a[line] : "") + "', generated '"
                + (line < b.length ? b[line] : "") + "'";
    }
}
