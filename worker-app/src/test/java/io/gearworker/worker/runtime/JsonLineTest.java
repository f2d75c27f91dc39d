package io.gearworker.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

/** The hand-written event line is byte for byte what a JSON library writes, for any text. */
class JsonLineTest {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void anyTextIsWrittenAsJacksonWritesIt() throws IOException {
        Random random = new Random(7);
        String alphabet = "ab\"\\/\n\r\t\b\f\u0000\u0001\u001f\u007f é€\u2028\ud83d\ude00";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                int at = random.nextInt(alphabet.length() - 1);
                value.append(alphabet.charAt(at));
                if (Character.isHighSurrogate(alphabet.charAt(at))) {
                    value.append(alphabet.charAt(at + 1));
                }
            }
            String text = value.toString();
            byte[] ours = new JsonLine().begin().field("error", text).field("jobs", i).end().toBytes();
            assertThat(new String(ours, StandardCharsets.UTF_8)).as("value %s", text).isEqualTo(jackson(text, i));
        }
    }

    @Test
    void aValueEscapedOnceIsWrittenVerbatim() {
        String worker = "w \"1\"\n";
        byte[] line = new JsonLine().begin().verbatimField("worker", JsonLine.escaped(worker)).end().toBytes();
        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo("{\"worker\":\"w \\\"1\\\"\\n\"}\n");
    }

    @Test
    void linesGatherInOneBufferAndEveryNumberIsWrittenWhole() throws IOException {
        JsonLine lines = new JsonLine();
        long[] numbers = {0, 7, -1, 10, 4242, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long n : numbers) {
            lines.begin().field("n", n).field("s", "é€").end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.writeTo(out);
        StringBuilder expected = new StringBuilder();
        for (long n : numbers) {
            expected.append("{\"n\":").append(n).append(",\"s\":\"é€\"}\n");
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        assertThat(lines.isEmpty()).as("written out: empty for the next lines").isTrue();
    }

    private static String jackson(String text, long number) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", text);
            g.writeNumberField("jobs", number);
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8) + "\n";
    }
}
