package io.gearworker.camel.gearman.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** docs/configuration.md holds the component's option reference as its catalog JSON says it now. */
class ConfigurationReferenceTest {

    private static final String CATALOG = "META-INF/io/gearworker/camel/gearman/gearman.json";

    @Test
    void theConfigurationPageMatchesTheComponentCatalog() throws IOException {
        String catalog;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(CATALOG)) {
            assertThat(in).as(CATALOG).isNotNull();
            catalog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        GeneratedDocs.assertUpToDate(GeneratedDocs.repositoryRoot().resolve("docs/configuration.md"),
                CatalogReference.parse(catalog).markdown());
    }

    @Test
    void optionsBecomeRowsWithTheirGroupTypeDefaultAndDescriptionInMarkdownAndAsciiDoc() {
        CatalogReference reference = CatalogReference.parse("""
                {"component": {"scheme": "demo", "syntax": "demo:name"},
                 "componentProperties": {},
                 "headers": {"CamelDemoId": {"group": "consumer", "javaType": "String", "description": "The id."}},
                 "properties": {
                   "name": {"kind": "path", "group": "common", "required": true, "type": "string",
                            "description": "The <name>."},
                   "priority": {"kind": "parameter", "group": "producer", "type": "enum", "enum": ["low", "high"],
                                "defaultValue": "low", "description": "Priority | order."},
                   "old": {"kind": "parameter", "group": "advanced", "type": "integer", "defaultValue": 3,
                           "deprecated": true, "description": "Gone."}}}
                """);

        assertThat(reference.endpointOptions().rows()).containsExactly(
                List.of("`name` (path) (required)", "common", "string", "", "The <name>."),
                List.of("`priority`", "producer", "one of `low`, `high`", "`low`", "Priority | order."),
                List.of("`old`", "advanced", "integer", "`3`", "Deprecated. Gone."));
        assertThat(reference.endpointOptions().markdown()).contains(
                "| `name` (path) (required) | common | string |  | The &lt;name&gt;. |",
                "| `priority` | producer | one of `low`, `high` | `low` | Priority \\| order. |");
        assertThat(reference.markdown()).startsWith("### Component options\n\nSet as `camel.component.demo.<option>`")
                .contains("### Endpoint options\n\n`demo:name[?option=value&…]`\n\n");
        assertThat(reference.endpointOptions().asciiDoc()).startsWith("[width=\"100%\",cols=\"5*\"")
                .contains("| `priority` | producer | one of `low`, `high` | `low` | Priority \\| order.\n");
        assertThat(reference.headers().asciiDoc()).isEqualTo("""
                [width="100%",cols="4*",options="header"]
                |===
                | Header | Group | Java type | Description
                | `CamelDemoId` | consumer | `String` | The id.
                |===
                """);
    }
}
