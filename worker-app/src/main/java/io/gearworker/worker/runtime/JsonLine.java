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
 * <p>
 * Strings are escaped as RFC 8259 requires (quote, backslash, control characters), so a value never breaks the
 * line, and so are UTF-16 surrogates (characters beyond the BMP), as the log always wrote them; everything
 * else is written as is and encoded as UTF-8. What is known before the line ({@link Key}s, {@link Value}s) is
 * encoded once and copied in whole; a value that often repeats keeps its last encoding in a {@link LastValue}.
 * Not thread-safe: its owner guards it.
 */
final class JsonLine {

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E',
        'F'};
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);
    private static final int INITIAL = 1024;
    private static final int KEPT = 64 * 1024; // a buffer grown beyond this by a long value is not kept

    private byte[] bytes = new byte[INITIAL];
    private int length;
    private boolean firstField;

    /** A field's key, encoded once: a comma, the quoted key and the colon (the comma is left out on a first field). */
    static final class Key {
        private final byte[] encoded;

        /** {@code name} is one of the event log's own keys: plain ASCII, nothing to escape. */
        Key(String name) {
            encoded = (",\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A string value known before the line (the worker id, an event name): escaped, encoded and quoted once. */
    static final class Value {
        private final byte[] encoded;

        Value(String text) {
            JsonLine line = new JsonLine();
            line.ensure(stringRoom(text));
            line.string(text);
            encoded = line.toBytes();
        }
    }

    /** The last value written through it and its encoding, so a repeat (equal or the same String) is copied whole. */
    static final class LastValue {
        private String text;
        private byte[] encoded = new byte[0];
        private int length;

        private boolean is(String value) {
            return value == text || value.equals(text);
        }

        private void remember(String value, byte[] from, int start, int end) {
            length = end - start;
            if (encoded.length < length) {
                encoded = new byte[length];
            }
            System.arraycopy(from, start, encoded, 0, length);
            text = value;
        }
    }

    /** Starts a line after those already in the buffer. */
    JsonLine begin() {
        ensure(1);
        bytes[length++] = '{';
        firstField = true;
        return this;
    }

    JsonLine field(Key key, String value) {
        key(key, stringRoom(value));
        string(value);
        return this;
    }

    /** A string field whose value often is the last one written through {@code last}. */
    JsonLine field(Key key, String value, LastValue last) {
        if (last.is(value)) {
            key(key, last.length);
            put(last.encoded, last.length);
        } else {
            key(key, stringRoom(value));
            int start = length;
            string(value);
            last.remember(value, bytes, start, length);
        }
        return this;
    }

    JsonLine field(Key key, Value value) {
        key(key, value.encoded.length);
        put(value.encoded, value.encoded.length);
        return this;
    }

    /** The instant {@code timestamps} reads from its clock, as a string. */
    JsonLine field(Key key, UtcTimestamps timestamps) {
        key(key, UtcTimestamps.MAX_LENGTH + 2);
        bytes[length++] = '"';
        length = timestamps.writeNow(bytes, length);
        bytes[length++] = '"';
        return this;
    }

    JsonLine field(Key key, long value) {
        key(key, 20); // a sign and 19 digits
        if (value == Long.MIN_VALUE) { // the one value whose negation is not a long
            put(MIN_LONG, MIN_LONG.length);
            return this;
        }
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

    /** Writes the key, and makes room for the value's {@code valueRoom} bytes too. */
    private void key(Key key, int valueRoom) {
        byte[] encoded = key.encoded;
        ensure(encoded.length + valueRoom);
        int from = firstField ? 1 : 0;
        firstField = false;
        int count = encoded.length - from;
        System.arraycopy(encoded, from, bytes, length, count);
        length += count;
    }

    /** Copies {@code count} bytes of {@code encoded}; the caller has made room. */
    private void put(byte[] encoded, int count) {
        System.arraycopy(encoded, 0, bytes, length, count);
        length += count;
    }

    /** Room for {@code s} quoted, escaped and encoded: at most six bytes (a u-escape) per character. */
    private static int stringRoom(String s) {
        return 2 + 6 * s.length();
    }

    /** {@code s} quoted, escaped and encoded; the caller has made room ({@link #stringRoom}). */
    private void string(String s) {
        byte[] b = bytes;
        int at = length;
        b[at++] = '"';
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
        b[at++] = '"';
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
