package io.gearworker.camel.gearman.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The component's AsciiDoc page ({@code components/src/main/docs/gearman-component.adoc}) holds its option and
 * header tables as the catalog JSON says them now, between Camel's own marker lines
 * ({@code // component options: START} … {@code END}), from the same generator as docs/configuration.md.
 */
class ComponentPageReferenceTest {

    private static final String CATALOG = "META-INF/io/gearworker/camel/gearman/gearman.json";

    @Test
    void theComponentPageMatchesTheComponentCatalog() throws IOException {
        String catalog;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(CATALOG)) {
            assertThat(in).as(CATALOG).isNotNull();
            catalog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        CatalogReference reference = CatalogReference.parse(catalog);

        GeneratedDocs.assertUpToDate(
                GeneratedDocs.repositoryRoot().resolve("components/src/main/docs/gearman-component.adoc"),
                page -> {
                    String filled = region(page, "component options", reference.componentOptions().asciiDoc());
                    filled = region(filled, "endpoint options", reference.endpointOptions().asciiDoc());
                    return region(filled, "component headers", reference.headers().asciiDoc());
                });
    }

    private static String region(String page, String name, String table) {
        return GeneratedDocs.withRegion(page, "// " + name + ": START", "// " + name + ": END", table);
    }
}
