package io.gearworker.worker.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the fleet's messages (the worker's {@code status} answer, the dashboard's fleet view and
 * actions, the CLI's JSON output): records in, records out, snake_case names. Built at its first use, never on a
 * worker's start-up path: a cold mapper costs tens of milliseconds of CPU that a worker only pays when asked.
 */
public final class Wire {

    private Wire() {
    }

    public static ObjectMapper json() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                // a newer worker may say more than this reader knows; what it knows it reads
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
