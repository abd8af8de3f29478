package org.bitweb.messaging;

import java.util.Optional;

/**
 * Stable numeric error codes of the host protocol. Append only, never renumber: extensions in the
 * field compare these numbers. docs/PROTOCOL.md lists the same table.
 */
public enum ErrorCode {
    INTERNAL(1, "internal error"),
    BAD_JSON(2, "the frame is not valid UTF-8 JSON"),
    BAD_REQUEST(3, "a field is missing or has the wrong type"),
    UNKNOWN_ACTION(4, "no such action"),
    FRAME_TOO_LARGE(5, "the frame is over the size limit"),
    NOT_FOUND(6, "no such site or file"),
    ENGINE_UNAVAILABLE(7, "the BitWeb engine is not running and could not be started"),
    PUBLISH_FAILED(8, "the folder could not be published"),
    BAD_ADDRESS(9, "not a bitweb address"),
    NOT_READY(10, "the site is still on its way from its peers; try again"),
    BAD_SETTING(11, "a setting has a value it cannot take");

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
