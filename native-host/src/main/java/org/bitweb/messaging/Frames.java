package org.bitweb.messaging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native-messaging framing: a 4-byte length in native byte order, then that many bytes of UTF-8
 * JSON. The browser rejects messages from a host above 1 MiB, so writes are capped there; reads
 * are capped too, so a hostile or broken peer cannot make us allocate gigabytes.
 */
public final class Frames {
    /** Chrome and Firefox refuse host-to-browser messages above 1 MiB. */
    public static final int MAX_OUTGOING = 1024 * 1024;
    /** Requests are small control messages; anything larger is a broken or hostile sender. */
    public static final int DEFAULT_MAX_INCOMING = 4 * 1024 * 1024;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Frames() {
    }

    /**
     * Reads one frame body.
     *
     * @return the body, or null on a clean end of stream between frames
     * @throws FrameException when the stream is not well framed
     */
    public static byte[] read(InputStream in, int maxLength) throws IOException {
        byte[] header = new byte[4];
        int got = in.readNBytes(header, 0, 4);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw new FrameException(FrameException.Kind.TRUNCATED_HEADER,
                    "stream ended after " + got + " of 4 length bytes");
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(ORDER).getInt());
        if (length > maxLength) {
            throw new FrameException(FrameException.Kind.TOO_LARGE,
                    "frame of " + length + " bytes is over the limit of " + maxLength, length);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new FrameException(FrameException.Kind.TRUNCATED_BODY,
                    "frame declared " + length + " bytes but the stream ended after " + body.length);
        }
        return body;
    }

    /** Writes one frame and flushes it; the caller serializes concurrent writers. */
    public static void write(OutputStream out, byte[] body) throws IOException {
        if (body.length > MAX_OUTGOING) {
            throw new IllegalArgumentException(
                    "frame of " + body.length + " bytes is over the browser's limit of " + MAX_OUTGOING);
        }
        out.write(encodeLength(body.length));
        out.write(body);
        out.flush();
    }

    public static byte[] encodeLength(int length) {
        return ByteBuffer.allocate(4).order(ORDER).putInt(length).array();
    }

    /** Like {@link #read} but treats end of stream as an error, for replies that must come. */
    public static byte[] readRequired(InputStream in, int maxLength) throws IOException {
        byte[] body = read(in, maxLength);
        if (body == null) {
            throw new EOFException("stream closed before a frame arrived");
        }
        return body;
    }
}
