package io.gearworker.routes;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code reverse}: returns the workload's bytes in reverse order, like PHP's {@code strrev} in the seed's worker.
 * Bytes, not characters: in a fleet of PHP and Java workers a job gives the same result whichever takes it, and a
 * workload that is not UTF-8 comes back intact (a multi-byte UTF-8 character comes back with its bytes reversed,
 * as from {@code strrev}).
 */
public class ReverseRoute extends RouteBuilder {

    public static final String FUNCTION = "reverse";

    @Override
    public void configure() {
        from("gearman:" + FUNCTION).routeId(FUNCTION)
                .process(e -> e.getMessage().setBody(reversed(e.getMessage().getBody(byte[].class))));
    }

    static byte[] reversed(byte[] workload) {
        if (workload == null) {
            return new byte[0];
        }
        byte[] out = new byte[workload.length];
        for (int i = 0; i < workload.length; i++) {
            out[i] = workload[workload.length - 1 - i];
        }
        return out;
    }
}
