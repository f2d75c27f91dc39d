package io.gearworker.camel.gearman.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository's documentation has no relative link that points nowhere. */
class DocsLinksTest {

    @Test
    void everyRelativeLinkOfTheReadmeAndTheDocsPointsToAFileAndHeadingThatExist() throws IOException {
        Path root = GeneratedDocs.repositoryRoot();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
        if (Files.exists(root.resolve("CHANGELOG.md"))) {
            pages.add(root.resolve("CHANGELOG.md"));
        }
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }

        assertThat(pages).hasSizeGreaterThan(3);
        assertThat(MarkdownLinks.broken(root, pages)).as("broken links").isEmpty();
    }

    @Test
    void aMissingFileAndAMissingHeadingAreBrokenWhileCodeAndOtherSchemesAreNotChecked(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("target.md"), """
                # Title
                ## Remote control: the `_worker_<id>` function
                ## Title
                ```
                # not a heading
                ```
                """);
        Path page = dir.resolve("page.md");
        Files.writeString(page, """
                [ok](target.md) [ok](target.md#title-1) [ok](target.md#remote-control-the-_worker_id-function)
                [ok](#own) [ok](https://example.com/x.md) `[code](nowhere.md)`
                [missing file](nowhere.md) [missing heading](target.md#not-a-heading)
                ```
                [in a fence](nowhere-either.md)
                ```
                # Own
                """);

        assertThat(MarkdownLinks.broken(dir, List.of(page))).containsExactly(
                "page.md: nowhere.md (no such file)",
                "page.md: target.md#not-a-heading (no heading makes this anchor)");
    }
}
