package io.gearworker.worker.http;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which {@code Host} headers a local web endpoint answers: the defence against DNS rebinding, where a foreign page
 * makes its own name resolve to the endpoint's address and then reads and posts as a same-origin page. Rebinding
 * needs a name, so an IP literal (what Prometheus scrapes by and what a port-forward gives) passes, as do the
 * loopback names ({@code localhost}, {@code *.localhost}, which no public DNS may serve) and the names the operator
 * allows; a request without {@code Host} (HTTP/1.0; a browser always sends one) passes too.
 */
public final class HostCheck {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-fA-F:.]+(%[0-9a-zA-Z._~-]+)?]");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}$");

    private final Set<String> allowed;

    /** @param allowed further host names to answer (without port; any case) */
    public HostCheck(Collection<String> allowed) {
        this.allowed = allowed.stream().map(HostCheck::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a request with this {@code Host} header (null when absent) may be answered. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null) {
            return true;
        }
        String host = PORT.matcher(hostHeader.trim()).replaceFirst("");
        if (IPV4.matcher(host).matches() || IPV6.matcher(host).matches()) {
            return true;
        }
        String name = normalize(host);
        return name.equals("localhost") || name.endsWith(".localhost") || allowed.contains(name);
    }

    /** Lower case, without the root's trailing dot ({@code Example.COM.} is {@code example.com}). */
    private static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
