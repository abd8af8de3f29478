package org.bitweb.comments;

/**
 * A record or moderation list was refused; {@link #reason()} says which rule, the message says how.
 * Unchecked, like the {@link IllegalArgumentException} it is, so the value types can refuse in
 * their constructors; code that takes records from peers catches it.
 */
public final class RecordException extends IllegalArgumentException {
    private final Refusal reason;

    public RecordException(Refusal reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Refusal reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "refused (" + reason.wire() + "): " + getMessage();
    }
}
