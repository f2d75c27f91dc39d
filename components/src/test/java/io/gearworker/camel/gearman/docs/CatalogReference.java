package io.gearworker.camel.gearman.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * The option and header reference of a Camel component, from the catalog JSON that camel-package-maven-plugin
 * generates from its annotations ({@code META-INF/…/<scheme>.json}) — the same source as Camel's own tooling, so
 * the reference cannot drift from the code. The tables serve a Markdown page and a component's .adoc alike.
 */
public final class CatalogReference {

    private static final List<String> OPTION_COLUMNS = List.of("Option", "Group", "Type", "Default", "Description");

    private final JsonObject component;
    private final JsonObject componentOptions;
    private final JsonObject endpointOptions;
    private final JsonObject headers;

    private CatalogReference(JsonObject catalog) {
        this.component = catalog.getMap("component");
        this.componentOptions = catalog.getMap("componentProperties");
        this.endpointOptions = catalog.getMap("properties");
        this.headers = catalog.containsKey("headers") ? catalog.getMap("headers") : new JsonObject();
    }

    public static CatalogReference parse(String catalogJson) {
        return new CatalogReference((JsonObject) Jsoner.deserialize(catalogJson, new JsonObject()));
    }

    /** Options of the component: the defaults of every endpoint, set as {@code camel.component.<scheme>.<option>}. */
    public DocTable componentOptions() {
        return optionTable(componentOptions);
    }

    /** Options of an endpoint URI: the path first, then the query parameters, in the catalog's order. */
    public DocTable endpointOptions() {
        return optionTable(endpointOptions);
    }

    public DocTable headers() {
        List<List<String>> rows = new ArrayList<>();
        headers.forEach((name, value) -> {
            JsonObject header = (JsonObject) value;
            rows.add(List.of(code(name), header.getStringOrDefault("group", ""),
                    code(header.getStringOrDefault("javaType", "")), description(header)));
        });
        return new DocTable(List.of("Header", "Group", "Java type", "Description"), rows);
    }

    /** The three tables under level-3 headings, for a Markdown page. */
    public String markdown() {
        String scheme = component.getString("scheme");
        return "### Component options\n\n"
                + "Set as `camel.component." + scheme + ".<option>`; the default of every endpoint of the"
                + " application.\n\n"
                + componentOptions().markdown()
                + "\n### Endpoint options\n\n"
                + "`" + component.getString("syntax") + "[?option=value&…]`\n\n"
                + endpointOptions().markdown()
                + "\n### Message headers\n\n"
                + headers().markdown();
    }

    private static DocTable optionTable(JsonObject options) {
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Object> entry : options.entrySet()) {
            JsonObject option = (JsonObject) entry.getValue();
            String name = code(entry.getKey())
                    + ("path".equals(option.getString("kind")) ? " (path)" : "")
                    + (Boolean.TRUE.equals(option.getBoolean("required")) ? " (required)" : "");
            rows.add(List.of(name, option.getStringOrDefault("group", ""), type(option), defaultValue(option),
                    description(option)));
        }
        return new DocTable(OPTION_COLUMNS, rows);
    }

    private static String type(JsonObject option) {
        JsonArray values = option.getCollection("enum");
        if (values == null) {
            return option.getString("type");
        }
        return "one of " + String.join(", ", values.stream().map(v -> code(String.valueOf(v))).toList());
    }

    private static String defaultValue(JsonObject option) {
        Object value = option.get("defaultValue");
        return value == null ? "" : code(String.valueOf(value));
    }

    private static String description(JsonObject entry) {
        String text = entry.getStringOrDefault("description", "");
        return Boolean.TRUE.equals(entry.getBoolean("deprecated")) ? "Deprecated. " + text : text;
    }

    private static String code(String text) {
        return "`" + text + "`";
    }
}
