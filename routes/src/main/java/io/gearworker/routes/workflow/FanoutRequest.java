package io.gearworker.routes.workflow;

import io.gearworker.routes.Quoted;

/** A {@code fanout} workload, {@code N MS}: N children of {@code MS} milliseconds each. */
public record FanoutRequest(int children, long millis) {

    /** The most children one parent may ask for. */
    public static final int MAX_CHILDREN = 10_000;

    /** Parses {@code N MS}; a bad workload fails with a message saying what is expected. */
    public static FanoutRequest parse(String workload) {
        String text = workload == null ? "" : workload.trim();
        String[] parts = text.split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException(usage(text));
        }
        int n;
        long ms;
        try {
            n = Integer.parseInt(parts[0]);
            ms = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage(text));
        }
        if (n < 1 || n > MAX_CHILDREN || ms < 0) {
            throw new IllegalArgumentException(usage(text));
        }
        return new FanoutRequest(n, ms);
    }

    private static String usage(String got) {
        return "fanout takes 'N MS': N children (1.." + MAX_CHILDREN + ") of MS milliseconds (>= 0) each, got "
               + Quoted.workload(got);
    }
}
