package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The packet decoder against arbitrary bytes, as a broken or hostile server may send them: every byte sequence
 * decodes to packets or ends in the codec's own exception ({@link GearmanProtocolException}, of which
 * {@link OversizedJobException} is one), never another exception, and decoding never allocates more than the
 * payload limit, whatever length a header declares.
 */
class PacketCodecPropertyTest {

    private static final int LIMIT = 256;
    /** What decoding may allocate besides the payload: the packet objects, an exception and its message. */
    private static final long OVERHEAD = 64 * 1024;
    /**
     * The same, with room for a first pass down a path (class loading, string concatenation set-up). The lengths
     * generated are mostly far larger, so a decoder that allocated what a header declares would still fail.
     */
    private static final long FIRST_PASS_OVERHEAD = 1024 * 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final PacketCodec codec = new PacketCodec(LIMIT);

    static {
        // the first pass down each path loads classes and builds formatters: that is not decoding's allocation
        PacketCodec warm = new PacketCodec(LIMIT);
        for (int i = 0; i < 200; i++) {
            for (byte[] bytes : List.of(header(0x00524553, PacketType.NOOP.code(), 0), header(1, 6, 0),
                    header(0x00524553, 99, 0), header(0x00524553, PacketType.ECHO_RES.code(), -1),
                    header(0x00524553, PacketType.JOB_ASSIGN_UNIQ.code(), LIMIT + 1),
                    header(0x00524553, PacketType.JOB_ASSIGN_UNIQ.code(), 3), new byte[] { 0, 'R' },
                    concat(List.of(header(0x00524553, PacketType.ECHO_RES.code(), 3), new byte[] { 'a', 0, 'b' })),
                    concat(List.of(header(0x00524553, PacketType.ERROR.code(), 1), new byte[] { 'a' })))) {
                decode(warm, bytes);
            }
        }
    }

    @Property(tries = 2000)
    void anyBytesDecodeToPacketsOrTheCodecsOwnException(@ForAll("streams") byte[] bytes) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Throwable thrown = decode(codec, bytes);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        if (thrown != null) {
            assertThat(thrown).as("what decoding threw").isInstanceOf(GearmanProtocolException.class);
        }
        assertThat(allocated).as("bytes allocated decoding %d bytes", bytes.length)
                .isLessThan(bytes.length + LIMIT + FIRST_PASS_OVERHEAD);
    }

    @Example
    void aDeclaredLengthAboveTheLimitIsRefusedBeforeAnythingIsAllocated() {
        byte[] header = header(0x00524553, PacketType.ECHO_RES.code(), Integer.MAX_VALUE);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Throwable thrown = decode(codec, header);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(thrown).isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("announces 2147483647 bytes, more than maxPayloadSize " + LIMIT);
        assertThat(allocated).isLessThan(OVERHEAD);
    }

    /** Decodes every packet of the bytes, up to their end or the first invalid one; returns what was thrown. */
    private static Throwable decode(PacketCodec codec, byte[] bytes) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            while (codec.read(in) != null) {
                // next packet
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Example
    void decodingNoopsAllocatesNothingPerPacket() throws IOException {
        int count = 100_000;
        ByteBuffer flood = ByteBuffer.allocate(12 * count);
        for (int i = 0; i < count; i++) {
            flood.put(header(0x00524553, PacketType.NOOP.code(), 0));
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(flood.array()));
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int read = 0;
        while (codec.read(in) != null) {
            read++;
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(read).isEqualTo(count);
        assertThat(allocated).as("bytes allocated decoding %d NOOPs", count).isLessThan(OVERHEAD);
    }

    /** Mostly plausible packets (valid magic, known types, small lengths) broken in every way, plus plain noise. */
    @Provide
    Arbitrary<byte[]> streams() {
        Arbitrary<Integer> magic = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(0x00524551, 0x00524553)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 40)),
                Tuple.of(1, Arbitraries.integers()));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 80)),
                Tuple.of(2, Arbitraries.integers().between(LIMIT - 2, LIMIT + 2)),
                Tuple.of(2, Arbitraries.integers()), // negative: 2-4 GiB as unsigned
                Tuple.of(1, Arbitraries.just(-1)));  // 4 GiB - 1
        Arbitrary<byte[]> body = Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.just((byte) 0)),
                        Tuple.of(3, Arbitraries.bytes()))
                .array(byte[].class).ofMaxSize(120);
        Arbitrary<byte[]> packet = Combinators.combine(magic, type, length, body)
                .as((m, t, l, b) -> ByteBuffer.allocate(12 + b.length).put(header(m, t, l)).put(b).array());
        Arbitrary<byte[]> packets = packet.list().ofMaxSize(4).map(PacketCodecPropertyTest::concat);
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Arbitraries.frequencyOf(Tuple.of(5, packets), Tuple.of(1, noise));
    }

    private static byte[] header(int magic, int type, int length) {
        return ByteBuffer.allocate(12).putInt(magic).putInt(type).putInt(length).array();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteBuffer all = ByteBuffer.allocate(parts.stream().mapToInt(p -> p.length).sum());
        parts.forEach(all::put);
        return all.array();
    }
}
