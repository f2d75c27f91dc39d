package io.gearworker.camel.gearman;

import java.util.regex.Pattern;

/**
 * Checks a gearman option's value as written, before Camel converts it: Camel narrows a number that does not fit
 * an option's type ({@code maxPayloadSize=4294967297} became 1) and reads a long it cannot parse as 0, so the
 * component's own checks would see, and report, another value than the one written. The option's type comes from
 * the generated configurer (so this follows the catalog), which the caller looks up: under the Camel 4.18 profile the
 * configurers are compiled after this class.
 */
public final class OptionValues {

    /** Camel also reads a long option as a duration in milliseconds: {@code 3000}, {@code 3s}, {@code 1m30s}. */
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d))+");

    private OptionValues() {
    }

    /**
     * What is wrong with {@code value} for an option of {@code type}, or {@code null}: also for an unknown option
     * ({@code type} null; Camel reports that itself), a bean reference or a placeholder.
     */
    public static String problem(Class<?> type, String value) {
        if (type == null || value.startsWith("#") || value.startsWith("{{")) {
            return null; // a bean reference or a placeholder: Camel resolves it first
        }
        if (type == int.class || type == Integer.class) {
            try {
                Integer.parseInt(value);
            } catch (NumberFormatException e) {
                return "not a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
            }
        } else if (type == long.class || type == Long.class) {
            try {
                Long.parseLong(value);
            } catch (NumberFormatException e) {
                if (!DURATION.matcher(value).matches()) {
                    return "not a whole number of milliseconds nor a duration like 3s or 1m30s";
                }
            }
        } else if ((type == boolean.class || type == Boolean.class) && !value.equalsIgnoreCase("true")
                   && !value.equalsIgnoreCase("false")) {
            return "not true or false";
        }
        return null;
    }
}
