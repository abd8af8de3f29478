package org.bitweb.keys;

import java.io.IOException;

/** A key cannot be made, found, read or imported; the message says which and what to do. */
public final class KeyException extends IOException {
    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
