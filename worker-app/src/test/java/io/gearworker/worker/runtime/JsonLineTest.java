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
    private static final JsonLine.Key ERROR = EventField.ERROR.jsonKey();
    private static final JsonLine.Key JOBS = EventField.JOBS.jsonKey();

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
            byte[] ours = new JsonLine().begin().field(ERROR, text).field(JOBS, i).end().toBytes();
            assertThat(new String(ours, StandardCharsets.UTF_8)).as("value %s", text).isEqualTo(jackson(text, i));
        }
    }

    @Test
    void aValueRememberedOrNotIsWrittenAsJacksonWritesIt() throws IOException {
        JsonLine.LastValue last = new JsonLine.LastValue();
        String plain = "reverse";
        String[] values = {
            plain, plain,                       // the same instance again: copied from the last encoding
            new String(plain.toCharArray()),    // equal, another instance: copied too
            "rev\"erse\n",                      // needs escaping after a remembered plain value
            "rev\"erse\n",
            "é€\ud83d\ude00", "é€\ud83d\ude00", // a longer encoding than the last
            "r",                                // a shorter one: only its own bytes are copied
            "r", plain, "" };
        JsonLine line = new JsonLine();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            line.begin().field(ERROR, values[i], last).field(JOBS, i).end();
            expected.append(jackson(values[i], i));
        }
        assertThat(new String(line.toBytes(), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }

    @Test
    void aValueLongerThanTheBufferGrowsIt() throws IOException {
        String longValue = "\u0001é€\"".repeat(5_000); // six, two, three and two bytes: beyond any buffer yet
        JsonLine.LastValue last = new JsonLine.LastValue();
        JsonLine line = new JsonLine();
        line.begin().field(ERROR, longValue).field(JOBS, 1).end();
        line.begin().field(ERROR, longValue, last).field(JOBS, 2).end();
        line.begin().field(ERROR, longValue, last).field(JOBS, 3).end();
        assertThat(new String(line.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo(jackson(longValue, 1) + jackson(longValue, 2) + jackson(longValue, 3));
    }

    @Test
    void aValueEncodedOnceIsWrittenAsEscaped() {
        JsonLine.Value worker = new JsonLine.Value("w \"1\"\n");
        byte[] line = new JsonLine().begin().field(EventField.WORKER.jsonKey(), worker).end().toBytes();
        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo("{\"worker\":\"w \\\"1\\\"\\n\"}\n");
    }

    @Test
    void linesGatherInOneBufferAndEveryNumberIsWrittenWhole() throws IOException {
        JsonLine lines = new JsonLine();
        JsonLine.Key n = new JsonLine.Key("n");
        JsonLine.Key s = new JsonLine.Key("s");
        long[] numbers = {0, 7, -1, 10, 4242, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long number : numbers) {
            lines.begin().field(n, number).field(s, "é€").end();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.writeTo(out);
        StringBuilder expected = new StringBuilder();
        for (long number : numbers) {
            expected.append("{\"n\":").append(number).append(",\"s\":\"é€\"}\n");
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
