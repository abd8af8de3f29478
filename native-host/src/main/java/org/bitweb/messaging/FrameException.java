package org.bitweb.messaging;

import java.io.IOException;

/** The byte stream is not a sequence of frames; the connection cannot be trusted any more. */
public final class FrameException extends IOException {

    public enum Kind {
        /** The declared length is above the cap (or negative as an unsigned 32-bit value would not fit). */
        TOO_LARGE,
        /** The stream ended inside the 4-byte length. */
        TRUNCATED_HEADER,
        /** The stream ended before the declared number of body bytes arrived (a length that lies). */
        TRUNCATED_BODY
    }

    private final Kind kind;
    private final long declaredLength;

    public FrameException(Kind kind, String message) {
        this(kind, message, -1);
    }

    public FrameException(Kind kind, String message, long declaredLength) {
        super(message);
        this.kind = kind;
        this.declaredLength = declaredLength;
    }

    /** For TOO_LARGE: the length the sender declared, so the body can be skipped; -1 otherwise. */
    public long declaredLength() {
        return declaredLength;
    }

    public Kind kind() {
        return kind;
    }
}
