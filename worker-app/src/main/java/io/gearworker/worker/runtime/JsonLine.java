package io.gearworker.worker.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON objects, one a line, encoded field by field straight into one reusable UTF-8 buffer: what the event log
 * writes for every job, twice, so it is written by hand rather than through a general JSON library (a generator
 * per line, with the timestamp formatter, was a third of a warm worker's user-space CPU), and without a String or
 * array per line. Several lines may gather in the buffer before it is written out.
 * Strings are escaped as RFC 8259 requires (quote, backslash, control characters), so a value never breaks the
 * line, and so are UTF-16 surrogates (characters beyond the BMP), as the log always wrote them; everything
 * else is written as is and encoded as UTF-8. Keys are the event log's own constants and are
 * written as they are. Not thread-safe: its owner guards it.
 */
final class JsonLine {

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E',
        'F'};
    private static final int INITIAL = 1024;
    private static final int KEPT = 64 * 1024; // a buffer grown beyond this by a long value is not kept

    private byte[] bytes = new byte[INITIAL];
    private int length;
    private boolean firstField;

    /** Starts a line after those already in the buffer. */
    JsonLine begin() {
        ensure(1);
        bytes[length++] = '{';
        firstField = true;
        return this;
    }

    JsonLine field(String key, String value) {
        key(key);
        ensure(2 + 6 * value.length()); // at most six bytes (a u-escape) per character
        bytes[length++] = '"';
        escape(value);
        bytes[length++] = '"';
        return this;
    }

    /** A string value that is known to need no escaping (a timestamp, or text escaped once with {@link #escaped}). */
    JsonLine verbatimField(String key, String value) {
        key(key);
        ensure(1);
        bytes[length++] = '"';
        verbatim(value);
        ensure(1);
        bytes[length++] = '"';
        return this;
    }

    JsonLine field(String key, long value) {
        key(key);
        if (value == Long.MIN_VALUE) { // the one value whose negation is not a long
            verbatim(Long.toString(value));
            return this;
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    /** Closes the line and ends it with a newline. */
    JsonLine end() {
        ensure(2);
        bytes[length++] = '}';
        bytes[length++] = '\n';
        return this;
    }

    boolean isEmpty() {
        return length == 0;
    }

    /** Writes every line in the buffer in one call, and empties it (also when the write fails). */
    void writeTo(OutputStream out) throws IOException {
        try {
            out.write(bytes, 0, length);
        } finally {
            length = 0;
            if (bytes.length > KEPT) {
                bytes = new byte[INITIAL];
            }
        }
    }

    /** The buffer's lines, as UTF-8. */
    byte[] toBytes() {
        return Arrays.copyOf(bytes, length);
    }

    /** {@code s} as it appears between the quotes of a JSON string. */
    static String escaped(String s) {
        JsonLine line = new JsonLine();
        line.ensure(6 * s.length());
        line.escape(s);
        return new String(line.bytes, 0, line.length, StandardCharsets.UTF_8);
    }

    private void key(String key) {
        ensure(key.length() + 4);
        if (!firstField) {
            bytes[length++] = ',';
        }
        firstField = false;
        bytes[length++] = '"';
        for (int i = 0; i < key.length(); i++) {
            bytes[length++] = (byte) key.charAt(i);
        }
        bytes[length++] = '"';
        bytes[length++] = ':';
    }

    /** {@code s} escaped and encoded; the caller has made room for 6 bytes per character. */
    private void escape(String s) {
        byte[] b = bytes;
        int at = length;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
                continue;
            }
            switch (c) {
                case '"' -> at = pair(b, at, '"');
                case '\\' -> at = pair(b, at, '\\');
                case '\n' -> at = pair(b, at, 'n');
                case '\r' -> at = pair(b, at, 'r');
                case '\t' -> at = pair(b, at, 't');
                case '\b' -> at = pair(b, at, 'b');
                case '\f' -> at = pair(b, at, 'f');
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        b[at++] = '\\';
                        b[at++] = 'u';
                        b[at++] = HEX[c >> 12];
                        b[at++] = HEX[(c >> 8) & 0xF];
                        b[at++] = HEX[(c >> 4) & 0xF];
                        b[at++] = HEX[c & 0xF];
                    } else {
                        at = utf8(b, at, c);
                    }
                }
            }
        }
        length = at;
    }

    /** Text that needs no escaping, encoded (it holds no surrogates: {@link #escaped} escapes them). */
    private void verbatim(String s) {
        ensure(3 * s.length());
        byte[] b = bytes;
        int at = length;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[at++] = (byte) c;
            } else {
                at = utf8(b, at, c);
            }
        }
        length = at;
    }

    private static int pair(byte[] b, int at, char escaped) {
        b[at++] = '\\';
        b[at++] = (byte) escaped;
        return at;
    }

    /** A character of the BMP outside ASCII, not a surrogate: two or three bytes. */
    private static int utf8(byte[] b, int at, char c) {
        if (c < 0x800) {
            b[at++] = (byte) (0xC0 | (c >> 6));
        } else {
            b[at++] = (byte) (0xE0 | (c >> 12));
            b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        }
        b[at++] = (byte) (0x80 | (c & 0x3F));
        return at;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
        }
    }
}
