package io.gearworker.worker.runtime;

import java.nio.charset.StandardCharsets;

/**
 * One JSON object on one line, built field by field: what the event log writes for every job, twice, so it is
 * written by hand rather than through a general JSON library (a generator per line, with the timestamp formatter,
 * was a third of a warm worker's user-space CPU).
 * Strings are escaped as RFC 8259 requires (quote, backslash, control characters), so a value never breaks the
 * line, and so are UTF-16 surrogates (characters beyond the BMP), as the log always wrote them; everything
 * else is written as is and encoded as UTF-8. Keys are the event log's own constants and are
 * written as they are.
 */
final class JsonLine {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder text = new StringBuilder(256).append('{');

    JsonLine field(String key, String value) {
        key(key);
        text.append('"');
        escape(value, text);
        text.append('"');
        return this;
    }

    /** A string value that is known to need no escaping (a timestamp, or text escaped once with {@link #escaped}). */
    JsonLine verbatimField(String key, String value) {
        key(key);
        text.append('"').append(value).append('"');
        return this;
    }

    JsonLine field(String key, long value) {
        key(key);
        text.append(value);
        return this;
    }

    /** The line, closed and ended by a newline, as UTF-8. */
    byte[] toBytes() {
        text.append("}\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code s} as it appears between the quotes of a JSON string. */
    static String escaped(String s) {
        StringBuilder text = new StringBuilder(s.length() + 8);
        escape(s, text);
        return text.toString();
    }

    private void key(String key) {
        if (text.length() > 1) {
            text.append(',');
        }
        text.append('"').append(key).append("\":");
    }

    private static void escape(String s, StringBuilder text) {
        int n = s.length();
        int plain = 0; // most values need no escaping: appended in one copy
        while (plain < n) {
            char c = s.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            plain++;
        }
        if (plain == n) {
            text.append(s);
            return;
        }
        text.append(s, 0, plain);
        for (int i = plain; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\b' -> text.append("\\b");
                case '\f' -> text.append("\\f");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        text.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        text.append(c);
                    }
                }
            }
        }
    }
}
