package org.bitweb.messaging;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native-messaging framing, one failure kind per test, with the bytes written out literally: a
 * 4-byte length in the machine's own byte order, then the body.
 */
class FramesTest {
    static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The four length bytes of {@code b0 b1 b2 b3} written as a little-endian number, in native order. */
    static byte[] header(int b0, int b1, int b2, int b3) {
        return LITTLE ? bytes(b0, b1, b2, b3) : bytes(b3, b2, b1, b0);
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static ByteArrayInputStream in(byte[]... parts) {
        return new ByteArrayInputStream(concat(parts));
    }

    static final byte[] HELLO = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII); // 7 bytes

    @Test
    void aGoodFrameIsReadWithItsLengthInNativeByteOrder() throws IOException {
        byte[] body = Frames.read(in(header(7, 0, 0, 0), HELLO), 1024);
        assertArrayEquals(HELLO, body);
    }

    @Test
    void theLengthIsNotReadInTheOtherByteOrder() throws IOException {
        // 0x07000000 in native order is 117 MB: over the cap, not a 7-byte frame
        FrameException e = assertThrows(FrameException.class,
                () -> Frames.read(in(header(0, 0, 0, 7), HELLO), 1024));
        assertEquals(FrameException.Kind.TOO_LARGE, e.kind());
        assertEquals(0x07000000L, e.declaredLength());
    }

    @Test
    void writeUsesNativeByteOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(out, HELLO);
        assertArrayEquals(concat(header(7, 0, 0, 0), HELLO), out.toByteArray());
        // a length above 255 spreads over two bytes
        out.reset();
        byte[] big = new byte[0x0102];
        Frames.write(out, big);
        assertArrayEquals(header(0x02, 0x01, 0, 0), Arrays.copyOf(out.toByteArray(), 4));
        assertEquals(4 + 0x0102, out.size());
    }

    @Test
    void anEmptyStreamIsACleanEndNotAnError() throws IOException {
        assertNull(Frames.read(in(), 1024));
    }

    @Test
    void readRequiredTreatsAnEmptyStreamAsAnError() {
        IOException e = assertThrows(IOException.class, () -> Frames.readRequired(in(), 1024));
        assertTrue(!(e instanceof FrameException), "a clean EOF is not broken framing: " + e);
    }

    @Test
    void oneToThreeHeaderBytesAreATruncatedHeader() {
        for (int n = 1; n <= 3; n++) {
            byte[] partial = Arrays.copyOf(header(7, 0, 0, 0), n);
            FrameException e = assertThrows(FrameException.class, () -> Frames.read(in(partial), 1024),
                    n + " header bytes");
            assertEquals(FrameException.Kind.TRUNCATED_HEADER, e.kind(), n + " header bytes");
            assertEquals(-1, e.declaredLength());
        }
    }

    @Test
    void aLengthThatLiesIsATruncatedBody() {
        FrameException e = assertThrows(FrameException.class,
                () -> Frames.read(in(header(10, 0, 0, 0), bytes('a', 'b', 'c', 'd')), 1024));
        assertEquals(FrameException.Kind.TRUNCATED_BODY, e.kind());
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void aLengthOverTheCapIsTooLargeAndCarriesTheDeclaredLength() {
        // 1025 = 0x0401, cap 1024; no body bytes are needed to decide
        FrameException e = assertThrows(FrameException.class,
                () -> Frames.read(in(header(0x01, 0x04, 0, 0)), 1024));
        assertEquals(FrameException.Kind.TOO_LARGE, e.kind());
        assertEquals(1025, e.declaredLength());
    }

    @Test
    void aLengthExactlyAtTheCapIsRead() throws IOException {
        byte[] body = new byte[1024];
        Arrays.fill(body, (byte) ' ');
        assertArrayEquals(body, Frames.read(in(header(0x00, 0x04, 0, 0), body), 1024));
    }

    @Test
    void allOnesLengthIsFourGigabytesNotMinusOne() {
        FrameException e = assertThrows(FrameException.class,
                () -> Frames.read(in(bytes(0xff, 0xff, 0xff, 0xff), HELLO), Frames.DEFAULT_MAX_INCOMING));
        assertEquals(FrameException.Kind.TOO_LARGE, e.kind());
        assertEquals(4_294_967_295L, e.declaredLength());
    }

    @Test
    void aZeroLengthFrameHasAnEmptyBodyAndIsNotTheEnd() throws IOException {
        ByteArrayInputStream in = in(header(0, 0, 0, 0), header(7, 0, 0, 0), HELLO);
        assertArrayEquals(new byte[0], Frames.read(in, 1024));
        assertArrayEquals(HELLO, Frames.read(in, 1024));
        assertNull(Frames.read(in, 1024));
    }

    @Test
    void twoFramesBackToBackAreReadOneAfterTheOther() throws IOException {
        byte[] second = "[]".getBytes(StandardCharsets.US_ASCII);
        ByteArrayInputStream in = in(header(7, 0, 0, 0), HELLO, header(2, 0, 0, 0), second);
        assertArrayEquals(HELLO, Frames.read(in, 1024));
        assertArrayEquals(second, Frames.read(in, 1024));
        assertNull(Frames.read(in, 1024));
    }

    @Test
    void writeRefusesABodyOverOneMebibyteAndWritesNothing() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(IllegalArgumentException.class, () -> Frames.write(out, new byte[1024 * 1024 + 1]));
        assertEquals(0, out.size(), "no partial frame may reach the browser");

        Frames.write(out, new byte[1024 * 1024]);
        assertArrayEquals(header(0, 0, 0x10, 0), Arrays.copyOf(out.toByteArray(), 4));
        assertEquals(4 + 1024 * 1024, out.size());
    }

    @Test
    void writeThenReadRoundTrips() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] utf8 = "{\"name\":\"héllo ✓\"}".getBytes(StandardCharsets.UTF_8);
        Frames.write(out, utf8);
        Frames.write(out, new byte[0]);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertArrayEquals(utf8, Frames.read(in, 1024));
        assertArrayEquals(new byte[0], Frames.read(in, 1024));
        assertNull(Frames.read(in, 1024));
    }
}
