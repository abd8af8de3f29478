package org.bitweb.messaging;

import java.util.Optional;

/**
 * Stable numeric error codes of the host protocol, and the one source of them: docs/PROTOCOL.md's
 * table is checked against this enum by ErrorCodeTableTest (which also rewrites it,
 * {@code -Dbitweb.regenerate=true}), the extension's extension/src/error-codes.js by
 * extension/test/error-codes.test.js. Append only, never renumber, never reuse: extensions in
 * the field compare these numbers.
 */
public enum ErrorCode {
    INTERNAL(1, "a bug or an unexpected failure; details are in the engine log"),
    BAD_JSON(2, "the frame is not valid UTF-8 JSON"),
    BAD_REQUEST(3, "a field is missing, has the wrong type or a value it cannot take; the message names it"),
    UNKNOWN_ACTION(4, "no such action (or one a later protocol removed); the message lists the known ones"),
    FRAME_TOO_LARGE(5, "the frame is over the size limit"),
    NOT_FOUND(6, "no such site or file, the site could not be fetched, or no folder dialog is installed"),
    ENGINE_UNAVAILABLE(7, "the host could not reach or start the engine; the message says where the log is"),
    PUBLISH_FAILED(8, "the folder could not be published"),
    BAD_ADDRESS(9, "not a bitweb address or link"),
    NOT_READY(10, "the site's file list had not arrived yet (sent by `fetch`, which protocol 2 removed)"),
    BAD_SETTING(11, "a setting was given a value it cannot take"),
    COMMENT_REFUSED(12, "a comment, reply or moderation was refused by a rule; the message starts with the rule (docs/COMMENTS.md)"),
    NOT_OWNER(13, "moderating needs the site's key, which this machine does not hold");

    private final int code;
    private final String meaning;

    ErrorCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The code with this number, if this side knows it (a newer peer may send one it does not). */
    public static Optional<ErrorCode> of(int number) {
        for (ErrorCode code : values()) {
            if (code.code == number) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}
