package org.bitweb.messaging;

/** The host protocol's version. Raise it when a method or field is added or removed; docs/PROTOCOL.md says what each version changed. */
public final class Protocol {
    public static final int VERSION = 5;
    public static final String HOST_NAME = "org.bitweb.host";

    private Protocol() {
    }
}
