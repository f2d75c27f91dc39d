package io.gearworker.routes;

/**
 * A workload as an error message quotes it: at most {@link #MAX_BYTES} bytes of it, control characters escaped so
 * the quote stays on one line, and the workload's full size when it was cut. A job's error message goes to the
 * worker's log, its event log and the client; a workload of many megabytes must not go with it.
 */
public final class Quoted {

    /** The most bytes (UTF-8) of a workload that a quote shows. */
    public static final int MAX_BYTES = 200;

    private Quoted() {
    }

    /** {@code 'text'}, or {@code 'prefix…' (N bytes)} when the text is longer than {@link #MAX_BYTES}. */
    public static String workload(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder quote = new StringBuilder(Math.min(text.length(), MAX_BYTES) + 24).append('\'');
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (bytes + utf8Length(cp) > MAX_BYTES) {
                break;
            }
            bytes += utf8Length(cp);
            appendShown(quote, cp);
            i += Character.charCount(cp);
        }
        if (i == text.length()) {
            return quote.append('\'').toString();
        }
        for (; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            bytes += utf8Length(text.codePointAt(i));
        }
        return quote.append("…' (").append(bytes).append(" bytes)").toString();
    }

    private static void appendShown(StringBuilder quote, int cp) {
        switch (cp) {
            case '\n' -> quote.append("\\n");
            case '\r' -> quote.append("\\r");
            case '\t' -> quote.append("\\t");
            default -> {
                if (Character.isISOControl(cp) || cp == '\u2028' || cp == '\u2029') {
                    quote.append(String.format("\\u%04x", cp));
                } else {
                    quote.appendCodePoint(cp);
                }
            }
        }
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
