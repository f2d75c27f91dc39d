package io.gearworker.camel.gearman.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One binary protocol packet: direction (request to the server, response from it), type and arguments.
 * Arguments are raw bytes; text arguments (function names, handles) are UTF-8.
 */
public final class Packet {

    private final boolean request;
    private final PacketType type;
    private final byte[][] arguments;

    private Packet(boolean request, PacketType type, byte[][] arguments) {
        if (arguments.length != type.argumentCount()) {
            throw new IllegalArgumentException(
                    type + " takes " + type.argumentCount() + " arguments, got " + arguments.length);
        }
        for (int i = 0; i < arguments.length - 1; i++) {
            for (byte b : arguments[i]) {
                if (b == 0) {
                    throw new IllegalArgumentException(type + " argument " + i + " contains a NUL byte; only the"
                            + " last argument may (a function name, unique id or handle cannot)");
                }
            }
        }
        this.request = request;
        this.type = type;
        this.arguments = arguments;
    }

    /** A packet sent to the server ({@code \0REQ}). */
    public static Packet request(PacketType type, byte[]... arguments) {
        return arguments.length == 0 && type.argumentCount() == 0 ? withoutData(true, type)
                : new Packet(true, type, arguments);
    }

    /** A packet sent by the server ({@code \0RES}). */
    public static Packet response(PacketType type, byte[]... arguments) {
        return arguments.length == 0 && type.argumentCount() == 0 ? withoutData(false, type)
                : new Packet(false, type, arguments);
    }

    /** The one instance of a packet type that carries no data (NOOP, NO_JOB…): decoding a flood allocates nothing. */
    static Packet withoutData(boolean request, PacketType type) {
        return (request ? NO_DATA_REQUESTS : NO_DATA_RESPONSES)[type.ordinal()];
    }

    private static final byte[][] NO_ARGUMENTS = new byte[0][];
    private static final Packet[] NO_DATA_REQUESTS = noDataPackets(true);
    private static final Packet[] NO_DATA_RESPONSES = noDataPackets(false);

    private static Packet[] noDataPackets(boolean request) {
        Packet[] packets = new Packet[PacketType.values().length];
        for (PacketType t : PacketType.values()) {
            if (t.argumentCount() == 0) {
                packets[t.ordinal()] = new Packet(request, t, NO_ARGUMENTS);
            }
        }
        return packets;
    }

    public static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public boolean isRequest() {
        return request;
    }

    public PacketType type() {
        return type;
    }

    public int argumentCount() {
        return arguments.length;
    }

    public byte[] argument(int index) {
        return arguments[index];
    }

    public String textArgument(int index) {
        return new String(arguments[index], StandardCharsets.UTF_8);
    }

    /** Size of the data part on the wire: all arguments plus the NUL separators between them. */
    public long dataSize() {
        long size = Math.max(0, arguments.length - 1);
        for (byte[] a : arguments) {
            size += a.length;
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Packet p && p.request == request && p.type == type
                && Arrays.deepEquals(p.arguments, arguments);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.deepHashCode(arguments);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(request ? "REQ " : "RES ").append(type);
        for (int i = 0; i < arguments.length; i++) {
            boolean data = i == arguments.length - 1 && arguments[i].length > 64;
            sb.append(' ').append(data ? "<" + arguments[i].length + " bytes>" : textArgument(i));
        }
        return sb.toString();
    }
}
