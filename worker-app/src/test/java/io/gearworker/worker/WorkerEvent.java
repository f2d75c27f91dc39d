package io.gearworker.worker;

import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gearworker.worker.runtime.EventField;
import io.gearworker.worker.runtime.EventType;

/**
 * One line of a worker's event log (stdout, JSON lines), read with the writer's own names ({@link EventField},
 * {@link EventType}). Fields an event does not carry are {@code null}; every field, including the event-specific
 * ones ({@code pid}, {@code host}, {@code servers}, {@code functions}, {@code error}), is also in {@link #fields()}.
 */
public record WorkerEvent(Instant ts, String worker, String event, String function, String handle, String reason,
        Long jobs, Integer code, Map<String, Object> fields, String line) {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Parses one line of the event log. Throws {@link IllegalArgumentException} when the line is not a flat JSON
     * object with {@code ts}, {@code worker} and {@code event}, which breaks the contract.
     */
    public static WorkerEvent parse(String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + line);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (value) {
                    case VALUE_STRING -> fields.put(name, p.getText());
                    case VALUE_NUMBER_INT -> fields.put(name, p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> fields.put(name, p.getDoubleValue());
                    case VALUE_TRUE, VALUE_FALSE -> fields.put(name, p.getBooleanValue());
                    case VALUE_NULL -> fields.put(name, null);
                    default -> throw new IllegalArgumentException("field '" + name + "' is not flat: " + line);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after the object: " + line);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + line + " (" + e.getMessage() + ")", e);
        }
        for (EventField field : new EventField[] { EventField.TS, EventField.WORKER, EventField.EVENT }) {
            String required = field.key();
            if (!(fields.get(required) instanceof String)) {
                throw new IllegalArgumentException("no '" + required + "' string in event: " + line);
            }
        }
        Instant ts;
        try {
            ts = Instant.parse((String) fields.get(EventField.TS.key()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ts is not an ISO-8601 instant: " + line, e);
        }
        Long jobs = fields.get(EventField.JOBS.key()) instanceof Long n ? n : null;
        Integer code = fields.get(EventField.CODE.key()) instanceof Long n ? Math.toIntExact(n) : null;
        return new WorkerEvent(ts, (String) fields.get(EventField.WORKER.key()),
                (String) fields.get(EventField.EVENT.key()), string(fields, EventField.FUNCTION),
                string(fields, EventField.HANDLE), string(fields, EventField.REASON), jobs, code,
                Collections.unmodifiableMap(fields), line);
    }

    /** A field by name: String, Long, Double, Boolean, or {@code null} when absent. */
    public Object field(String name) {
        return fields.get(name);
    }

    /** A field: String, Long, Double, Boolean, or {@code null} when absent. */
    public Object field(EventField field) {
        return fields.get(field.key());
    }

    /** Job events: the gearmand (host:port) the job came from. */
    public String server() {
        return string(fields, EventField.SERVER);
    }

    /** Job events: the job's unique id, {@code null} when it has none. */
    public String unique() {
        return string(fields, EventField.UNIQUE);
    }

    /** The event's type; {@code null} for a name this version does not know. */
    public EventType type() {
        return EventType.named(event).orElse(null);
    }

    public boolean is(EventType type) {
        return type.wireName().equals(event);
    }

    private static String string(Map<String, Object> fields, EventField field) {
        Object v = fields.get(field.key());
        return v == null ? null : v.toString();
    }

    @Override
    public String toString() {
        return line;
    }
}
