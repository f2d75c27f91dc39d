package io.gearworker.camel.gearman.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encodes and decodes binary packets: a 12-byte header ({@code \0REQ}/{@code \0RES}, type, data length, big-endian)
 * followed by the NUL-separated arguments. The declared length is checked against {@link #maxPayloadSize()} before
 * anything is allocated, so a peer cannot make us buffer more than that.
 */
public final class PacketCodec {

    /** Default hard limit for one packet's data: 64 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 64 * 1024 * 1024;

    static final int HEADER_SIZE = 12;
    private static final int MAGIC_REQ = 0x00524551; // "\0REQ"
    private static final int MAGIC_RES = 0x00524553; // "\0RES"

    private final int maxPayloadSize;

    public PacketCodec(int maxPayloadSize) {
        if (maxPayloadSize <= 0) {
            throw new IllegalArgumentException("maxPayloadSize must be > 0, was " + maxPayloadSize);
        }
        this.maxPayloadSize = maxPayloadSize;
    }

    public int maxPayloadSize() {
        return maxPayloadSize;
    }

    /**
     * The largest last argument (a job's workload or result) copied into a write; a larger one goes to the stream
     * from its own array, never copied.
     */
    static final int COPY_LIMIT = 64 * 1024;

    /**
     * Writes the packets in one {@code out.write} (so a result and the next grab leave in one segment), or a few
     * when a packet's last argument is larger than {@link #COPY_LIMIT}. Needs no buffer of its own: the caller
     * writes straight to the socket. Every packet is checked before anything is written: one whose data exceeds
     * the limit is refused (the peer would refuse it too) and nothing is written.
     */
    public void write(OutputStream out, Packet... packets) throws IOException {
        long copied = 0;
        for (Packet p : packets) {
            long size = p.dataSize();
            if (size > maxPayloadSize) {
                throw new GearmanProtocolException(
                        p.type() + " of " + size + " bytes exceeds maxPayloadSize " + maxPayloadSize);
            }
            copied += HEADER_SIZE + size - uncopiedLength(p);
        }
        byte[] buf = new byte[(int) copied];
        int pos = 0;
        for (Packet p : packets) {
            putInt(buf, pos, p.isRequest() ? MAGIC_REQ : MAGIC_RES);
            putInt(buf, pos + 4, p.type().code());
            putInt(buf, pos + 8, (int) p.dataSize());
            pos += HEADER_SIZE;
            for (int i = 0; i < p.argumentCount(); i++) {
                if (i > 0) {
                    buf[pos++] = 0;
                }
                byte[] arg = p.argument(i);
                if (i == p.argumentCount() - 1 && arg.length > COPY_LIMIT) {
                    out.write(buf, 0, pos);
                    out.write(arg);
                    pos = 0; // the rest to copy is part of the array's size: it fits from the start
                } else {
                    System.arraycopy(arg, 0, buf, pos, arg.length);
                    pos += arg.length;
                }
            }
        }
        if (pos > 0) {
            out.write(buf, 0, pos);
        }
    }

    /** The length of the packet's last argument when it is written uncopied, else 0. */
    private static int uncopiedLength(Packet p) {
        int n = p.argumentCount();
        int last = n == 0 ? 0 : p.argument(n - 1).length;
        return last > COPY_LIMIT ? last : 0;
    }

    /**
     * Reads one packet, blocking until it is complete.
     *
     * @return the packet, or {@code null} when the stream ended cleanly between packets
     * @throws GearmanProtocolException when the bytes are not a valid packet or the stream ends inside one
     */
    public Packet read(InputStream in) throws IOException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int first = data.read();
        if (first < 0) {
            return null;
        }
        // field by field, into no buffer: a flood of NOOPs must not allocate per packet
        int magic;
        int code;
        long size;
        try {
            magic = first << 24 | data.readUnsignedByte() << 16 | data.readUnsignedByte() << 8
                    | data.readUnsignedByte();
            if (magic != MAGIC_REQ && magic != MAGIC_RES) {
                throw new GearmanProtocolException(
                        String.format("bad packet magic 0x%08x (expected \\0REQ or \\0RES)", magic));
            }
            code = data.readInt();
            size = data.readInt() & 0xFFFFFFFFL;
        } catch (EOFException e) {
            throw new GearmanProtocolException("connection ended inside a packet (header truncated)", e);
        }
        PacketType type = PacketType.fromCode(code);
        if (type == null) {
            throw new GearmanProtocolException("unknown packet type " + code);
        }
        if (size > maxPayloadSize) {
            String refusal = type + " announces " + size + " bytes, more than maxPayloadSize " + maxPayloadSize;
            if (type == PacketType.JOB_ASSIGN_UNIQ || type == PacketType.JOB_ASSIGN) {
                throw new OversizedJobException(skipJobAfterHandle(data, size, type), refusal);
            }
            throw new GearmanProtocolException(refusal + "; refusing it");
        }
        if (size == 0 && type.argumentCount() == 0) {
            return Packet.withoutData(magic == MAGIC_REQ, type);
        }
        byte[] body = new byte[(int) size];
        readFully(data, body, 0, body.length, type.toString());
        return new PacketBuilder(magic == MAGIC_REQ, type).split(body);
    }

    /** Reads a job packet's handle (its first argument) and discards the rest, holding at most the handle. */
    private static String skipJobAfterHandle(DataInputStream in, long size, PacketType type) throws IOException {
        StringBuilder handle = new StringBuilder();
        long read = 0;
        while (read < size) {
            int b = in.read();
            if (b < 0) {
                throw new GearmanProtocolException("connection ended inside a packet (" + type + " truncated)");
            }
            read++;
            if (b == 0) {
                break;
            }
            if (handle.length() > 1024) {
                throw new GearmanProtocolException(type + " has a job handle longer than 1024 bytes");
            }
            handle.append((char) b);
        }
        try {
            in.skipNBytes(size - read);
        } catch (java.io.EOFException e) {
            throw new GearmanProtocolException("connection ended inside a packet (" + type + " truncated)", e);
        }
        return handle.toString();
    }

    private static void readFully(DataInputStream in, byte[] buf, int off, int len, String what) throws IOException {
        try {
            in.readFully(buf, off, len);
        } catch (EOFException e) {
            throw new GearmanProtocolException("connection ended inside a packet (" + what + " truncated)", e);
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Splits a packet's data into its arguments: the first n-1 at NUL bytes, the last takes the rest. */
    private record PacketBuilder(boolean request, PacketType type) {

        Packet split(byte[] body) throws GearmanProtocolException {
            int n = type.argumentCount();
            byte[][] args = new byte[n][];
            if (n == 0) {
                if (body.length != 0) {
                    throw new GearmanProtocolException(type + " carries no data but has " + body.length + " bytes");
                }
                return make(args);
            }
            int start = 0;
            for (int i = 0; i < n - 1; i++) {
                int nul = indexOf(body, start);
                if (nul < 0) {
                    throw new GearmanProtocolException(type + " needs " + n + " arguments, found " + (i + 1));
                }
                args[i] = java.util.Arrays.copyOfRange(body, start, nul);
                start = nul + 1;
            }
            args[n - 1] = start == 0 ? body : java.util.Arrays.copyOfRange(body, start, body.length);
            return make(args);
        }

        private Packet make(byte[][] args) {
            return request ? Packet.request(type, args) : Packet.response(type, args);
        }

        private static int indexOf(byte[] b, int from) {
            for (int i = from; i < b.length; i++) {
                if (b[i] == 0) {
                    return i;
                }
            }
            return -1;
        }
    }
}
