package io.gearworker.worker.http;

import java.util.Map;

/**
 * The JDK HTTP server's own limits, which are JVM-wide system properties read once, when the first server is
 * created: off or generous by default, so without them one byte and a wait holds a request open for ever.
 * {@link #apply()} sets each one the user did not set ({@code -D} in {@code JAVA_OPTS} wins).
 */
public final class HttpServerLimits {

    /** Seconds a request's line, headers and body may take to arrive; then the server closes the connection. */
    public static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

    static final Map<String, String> DEFAULTS = Map.of(
            MAX_REQUEST_TIME, "5",
            "sun.net.httpserver.maxRspTime", "10",          // seconds a response may take to be taken away
            "sun.net.httpserver.idleInterval", "30",        // seconds a kept-alive connection may sit idle
            "sun.net.httpserver.maxIdleConnections", "32",  // kept-alive connections beyond this are closed
            "jdk.httpserver.maxConnections", "256",         // connections beyond this are closed on accept
            "sun.net.httpserver.maxReqHeaderSize", "32768"); // bytes of request headers (the default is 380 KiB)

    private HttpServerLimits() {
    }

    /** Sets the limits the user left unset; call before the first {@code HttpServer.create}. */
    public static synchronized void apply() {
        DEFAULTS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
