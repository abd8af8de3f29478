package org.bitweb.updates;

/** A mutable item that must not be used or passed on; the message says why. */
public final class RejectedItem extends Exception {
    public RejectedItem(String message) {
        super(message);
    }
}
