package io.gearworker.worker.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client library will not do: choose the {@code Host} header,
 * send one byte and wait, send headers or bodies of any size.
 */
final class RawHttp {

    /** What came back: the status (0 when the server closed without one) and the whole response. */
    record Answer(int status, String text, Duration took) {
    }

    private RawHttp() {
    }

    /** A GET with this Host header, answered within {@code limit} or failing the test. */
    static Answer get(URI base, String path, String host, Duration limit) throws IOException {
        return exchange(base, ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), limit);
    }

    /** A GET as a probe sends it (Host: the address itself). */
    static Answer get(URI base, String path, Duration limit) throws IOException {
        return get(base, path, base.getHost() + ":" + base.getPort(), limit);
    }

    /** Sends {@code request} (and closes the sending side only by closing the socket) and reads the answer. */
    static Answer exchange(URI base, byte[] request, Duration limit) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) limit.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before taking the whole request: read what it said
            }
            String text;
            try {
                text = readAll(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer within " + limit.toMillis() + " ms", e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12))
                    : 0;
            return new Answer(status, text, took);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                s.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // reset after the answer (the server closed with unread request bytes): keep what was read
        }
        return s.toString();
    }

    /** A connection that has sent one byte of a request and then waits; close it to let go. */
    static Socket slowClient(URI base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write('G');
        socket.getOutputStream().flush();
        return socket;
    }
}
