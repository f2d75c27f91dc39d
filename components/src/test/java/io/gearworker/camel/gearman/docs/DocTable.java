package io.gearworker.camel.gearman.docs;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A reference table, written as Markdown (docs/ pages) or AsciiDoc (a component's .adoc page). Cells are plain
 * text in which {@code `code`} spans mean the same in both formats.
 */
public record DocTable(List<String> columns, List<List<String>> rows) {

    public DocTable {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row of " + row.size() + " cells under " + columns);
            }
        }
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(markdownRow(columns));
        out.append(columns.stream().map(c -> " --- ").collect(Collectors.joining("|", "|", "|\n")));
        rows.forEach(row -> out.append(markdownRow(row)));
        return out.toString();
    }

    public String asciiDoc() {
        StringBuilder out = new StringBuilder();
        out.append("[width=\"100%\",cols=\"").append(columns.size()).append("*\",options=\"header\"]\n|===\n");
        out.append(columns.stream().map(c -> "| " + asciiDocCell(c)).collect(Collectors.joining(" ", "", "\n")));
        rows.forEach(row -> out.append(row.stream().map(c -> "| " + asciiDocCell(c))
                .collect(Collectors.joining(" ", "", "\n"))));
        return out.append("|===\n").toString();
    }

    private static String markdownRow(List<String> cells) {
        return cells.stream().map(DocTable::markdownCell).collect(Collectors.joining(" | ", "| ", " |\n"));
    }

    /** One line; a pipe would end the cell, and outside code spans {@code <x>} would be read as an HTML tag. */
    private static String markdownCell(String text) {
        StringBuilder out = new StringBuilder();
        boolean inCode = false;
        for (char c : oneLine(text).toCharArray()) {
            if (c == '`') {
                inCode = !inCode;
            }
            if (c == '|') {
                out.append("\\|");
            } else if (c == '<' && !inCode) {
                out.append("&lt;");
            } else if (c == '>' && !inCode) {
                out.append("&gt;");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String asciiDocCell(String text) {
        return oneLine(text).replace("|", "\\|");
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
