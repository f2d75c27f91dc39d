package io.gearworker.worker.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses sizes written as {@code 512m}, {@code 2g}, {@code 800k} or plain bytes. */
public final class ByteSizes implements ITypeConverter<Long> {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*([kmg]?)b?");

    @Override
    public Long convert(String value) {
        Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size; use e.g. 800k, 512m, 2g");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
