package io.gearworker.camel.gearman.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The binary framing: header, NUL-separated arguments, and every way a peer can send garbage. */
class PacketCodecTest {

    private static final int MAGIC_REQ = 0x00524551;
    private static final int MAGIC_RES = 0x00524553;

    private final PacketCodec codec = new PacketCodec(1024 * 1024);

    @ParameterizedTest(name = "{0} request={1}")
    @MethodSource("everyTypeBothDirections")
    void everyTypeRoundTripsWithEmptyAndBinaryArguments(PacketType type, boolean request) throws IOException {
        int n = type.argumentCount();
        byte[][] args = new byte[n][];
        for (int i = 0; i < n - 1; i++) {
            args[i] = i == 0 ? new byte[0] : Packet.text("arg-" + i);
        }
        if (n > 0) {
            args[n - 1] = allByteValuesWithNuls();
        }
        Packet packet = make(request, type, args);

        assertThat(roundTrip(packet)).isEqualTo(packet);
    }

    @ParameterizedTest(name = "{0} request={1}")
    @MethodSource("everyTypeBothDirections")
    void everyTypeRoundTripsWithAllArgumentsEmpty(PacketType type, boolean request) throws IOException {
        byte[][] args = new byte[type.argumentCount()][];
        Arrays.setAll(args, i -> new byte[0]);
        Packet packet = make(request, type, args);

        assertThat(roundTrip(packet)).isEqualTo(packet);
    }

    static Stream<Arguments> everyTypeBothDirections() {
        return Arrays.stream(PacketType.values())
                .flatMap(t -> Stream.of(Arguments.of(t, true), Arguments.of(t, false)));
    }

    @Test
    void encodesCanDoWithTheDocumentedWireBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(out, Packet.request(PacketType.CAN_DO, Packet.text("reverse")));

        byte[] expected = concat(
                new byte[] {0x00, 0x52, 0x45, 0x51, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07},
                "reverse".getBytes(StandardCharsets.US_ASCII));
        assertThat(out.toByteArray()).containsExactly(expected);
    }

    @Test
    void encodesResponseMagicAndSeparators() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        codec.write(out, Packet.response(PacketType.WORK_COMPLETE, Packet.text("H:1"), Packet.text("ok")));

        byte[] expected = concat(
                new byte[] {0x00, 0x52, 0x45, 0x53, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x06},
                new byte[] {'H', ':', '1', 0, 'o', 'k'});
        assertThat(out.toByteArray()).containsExactly(expected);
    }

    @Test
    void decodesPacketsBackToBackInOrder() throws IOException {
        List<Packet> sent = List.of(
                Packet.request(PacketType.CAN_DO, Packet.text("reverse")),
                Packet.request(PacketType.GRAB_JOB_UNIQ),
                Packet.response(PacketType.NOOP),
                Packet.response(PacketType.JOB_ASSIGN_UNIQ, Packet.text("H:x:1"), Packet.text("reverse"),
                        new byte[0], new byte[] {1, 0, 2}),
                Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:x:1"), new byte[] {0, 0}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Packet p : sent) {
            codec.write(out, p);
        }
        InputStream in = new ByteArrayInputStream(out.toByteArray());

        List<Packet> received = new ArrayList<>();
        for (Packet p; (p = codec.read(in)) != null; ) {
            received.add(p);
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void severalPacketsLeaveInOneWrite() throws IOException {
        byte[] payload = new byte[PacketCodec.COPY_LIMIT];
        Packet result = Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:x:1"), payload);
        Packet grab = Packet.request(PacketType.GRAB_JOB_UNIQ);
        WriteRecorder out = new WriteRecorder();

        codec.write(out, result, grab);

        assertThat(out.writes).hasSize(1);
        assertThat(readAll(out.toByteArray())).containsExactly(result, grab);
    }

    @Test
    void aPayloadAboveTheCopyLimitIsWrittenFromItsOwnArray() throws IOException {
        byte[] payload = Arrays.copyOf(allByteValuesWithNuls(), PacketCodec.COPY_LIMIT + 1);
        Packet result = Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:x:1"), payload);
        Packet grab = Packet.request(PacketType.GRAB_JOB_UNIQ);
        Packet status = Packet.request(PacketType.WORK_STATUS, Packet.text("H:x:2"), Packet.text("1"),
                Packet.text("2"));
        WriteRecorder out = new WriteRecorder();

        codec.write(out, status, result, grab);

        assertThat(out.writes).hasSize(3);
        assertThat(out.writes.get(1)).isSameAs(payload);
        assertThat(readAll(out.toByteArray())).containsExactly(status, result, grab);
    }

    @Test
    void anOversizedPacketAmongSeveralWritesNoneOfThem() {
        PacketCodec small = new PacketCodec(10);
        WriteRecorder out = new WriteRecorder();

        assertThatThrownBy(() -> small.write(out, Packet.request(PacketType.GRAB_JOB_UNIQ),
                Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:1"), new byte[7])))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("maxPayloadSize");
        assertThat(out.writes).isEmpty();
    }

    @Test
    void randomPacketsRoundTrip() throws IOException {
        // fixed seed: a failing round reproduces
        Random random = new Random(0x6ea4L);
        PacketType[] types = PacketType.values();
        for (int round = 0; round < 2000; round++) {
            PacketType type = types[random.nextInt(types.length)];
            byte[][] args = new byte[type.argumentCount()][];
            for (int i = 0; i < args.length; i++) {
                byte[] a = new byte[random.nextInt(40)];
                random.nextBytes(a);
                if (i < args.length - 1) {
                    // only the last argument may hold NULs
                    for (int j = 0; j < a.length; j++) {
                        a[j] = a[j] == 0 ? 1 : a[j];
                    }
                }
                args[i] = a;
            }
            Packet packet = make(random.nextBoolean(), type, args);

            assertThat(roundTrip(packet)).as("round %d", round).isEqualTo(packet);
        }
    }

    @Test
    void cleanEndOfStreamBeforeAPacketReadsAsNull() throws IOException {
        assertThat(codec.read(new ByteArrayInputStream(new byte[0]))).isNull();
    }

    @Test
    void cleanEndOfStreamAfterAPacketReadsAsNull() throws IOException {
        InputStream in = new ByteArrayInputStream(encode(Packet.response(PacketType.NO_JOB)));

        assertThat(codec.read(in)).isEqualTo(Packet.response(PacketType.NO_JOB));
        assertThat(codec.read(in)).isNull();
    }

    @Test
    void truncatedHeaderIsAProtocolError() {
        byte[] partial = Arrays.copyOf(encode(Packet.request(PacketType.CAN_DO, Packet.text("reverse"))), 7);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(partial)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedBodyIsAProtocolError() {
        byte[] whole = encode(Packet.request(PacketType.CAN_DO, Packet.text("reverse")));
        byte[] partial = Arrays.copyOf(whole, whole.length - 1);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(partial)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void badMagicIsRejected() {
        byte[] bytes = header(0x00414243, PacketType.NOOP.code(), 0);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("magic")
                .hasMessageContaining("0x00414243");
    }

    @Test
    void unknownTypeCodeIsRejected() {
        byte[] bytes = header(MAGIC_REQ, 99, 0);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("unknown packet type 99");
    }

    @Test
    void negativeTypeCodeIsRejected() {
        byte[] bytes = header(MAGIC_RES, -1, 0);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("unknown packet type -1");
    }

    @Test
    void dataOnATypeWithoutArgumentsIsRejected() {
        byte[] bytes = concat(header(MAGIC_RES, PacketType.NOOP.code(), 3), new byte[] {'a', 'b', 'c'});

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("NOOP")
                .hasMessageContaining("3 bytes");
    }

    @Test
    void missingSeparatorsInAMultiArgumentPacketAreRejected() {
        byte[] body = "H:1reverse".getBytes(StandardCharsets.US_ASCII); // JOB_ASSIGN needs 3 arguments, 2 NULs
        byte[] bytes = concat(header(MAGIC_RES, PacketType.JOB_ASSIGN.code(), body.length), body);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("JOB_ASSIGN needs 3 arguments, found 1");
    }

    @Test
    void oneSeparatorShortIsRejected() {
        byte[] body = {'H', ':', '1', 0, 'f', 'n'};
        byte[] bytes = concat(header(MAGIC_RES, PacketType.JOB_ASSIGN.code(), body.length), body);

        assertThatThrownBy(() -> codec.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("needs 3 arguments, found 2");
    }

    @Test
    @Timeout(5)
    void oversizedAnnouncementIsRefusedBeforeAllocating() {
        PacketCodec small = new PacketCodec(1024);
        // 2 GiB announced and no body behind it: only a check before allocating can answer fast and without OOM.
        byte[] bytes = header(MAGIC_RES, PacketType.WORK_COMPLETE.code(), 0x7fffffff);

        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("maxPayloadSize")
                .hasMessageContaining("1024")
                .hasMessageContaining("2147483647");
    }

    @Test
    void lengthAboveSignedIntRangeIsRefused() {
        PacketCodec small = new PacketCodec(1024);
        byte[] bytes = header(MAGIC_RES, PacketType.WORK_COMPLETE.code(), 0xffffffff);

        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("4294967295")
                .hasMessageContaining("maxPayloadSize");
    }

    @Test
    void packetExactlyAtTheLimitIsAccepted() throws IOException {
        PacketCodec small = new PacketCodec(10);
        Packet packet = Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:1"), new byte[6]); // 3 + 1 + 6

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        small.write(out, packet);

        assertThat(small.read(new ByteArrayInputStream(out.toByteArray()))).isEqualTo(packet);
    }

    @Test
    void writingAnOversizedPacketFailsAndWritesNothing() {
        PacketCodec small = new PacketCodec(10);
        Packet packet = Packet.request(PacketType.WORK_COMPLETE, Packet.text("H:1"), new byte[7]); // 11 bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> small.write(out, packet))
                .isInstanceOf(GearmanProtocolException.class)
                .hasMessageContaining("maxPayloadSize")
                .hasMessageContaining("11");
        assertThat(out.size()).isZero();
    }

    @Test
    void nulInsideANonLastArgumentIsRefusedInsteadOfShiftingArguments() {
        // Sent as is, "a\0b" would reach the server as two arguments; the job would get the wrong function/unique id.
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> codec.write(out, Packet.request(PacketType.SUBMIT_JOB,
                        new byte[] {'a', 0, 'b'}, Packet.text("u"), Packet.text("data"))))
                .isInstanceOfAny(IllegalArgumentException.class, GearmanProtocolException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void nonPositiveLimitIsRejected() {
        assertThatThrownBy(() -> new PacketCodec(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPayloadSize");
    }

    @Test
    @Timeout(5)
    void readsFromAStreamThatDeliversOneByteAtATime() throws IOException {
        Packet packet = Packet.response(PacketType.JOB_ASSIGN, Packet.text("H:1"), Packet.text("fn"),
                allByteValuesWithNuls());
        byte[] bytes = encode(packet);
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };

        assertThat(codec.read(trickle)).isEqualTo(packet);
    }

    private Packet roundTrip(Packet packet) throws IOException {
        InputStream in = new ByteArrayInputStream(encode(packet));
        Packet decoded = codec.read(in);
        assertThat(in.read()).as("bytes left after the packet").isEqualTo(-1);
        return decoded;
    }

    private byte[] encode(Packet packet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            codec.write(out, packet);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private List<Packet> readAll(byte[] bytes) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes);
        List<Packet> packets = new ArrayList<>();
        for (Packet p; (p = codec.read(in)) != null; ) {
            packets.add(p);
        }
        return packets;
    }

    /** Keeps what was written and the array each write came from. */
    private static final class WriteRecorder extends ByteArrayOutputStream {

        final List<byte[]> writes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.add(b);
            super.write(b, off, len);
        }
    }

    private static Packet make(boolean request, PacketType type, byte[][] args) {
        return request ? Packet.request(type, args) : Packet.response(type, args);
    }

    /** All 256 byte values, so it starts with a NUL, plus a trailing NUL the splitter must not drop. */
    private static byte[] allByteValuesWithNuls() {
        byte[] b = new byte[257];
        for (int i = 0; i < 256; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static byte[] header(int magic, int type, int length) {
        return ByteBuffer.allocate(12).putInt(magic).putInt(type).putInt(length).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
