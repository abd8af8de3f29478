package org.bitweb.messaging;

/** The host protocol's version. Raise it when a method or field is added; docs/PROTOCOL.md says what each version brought. */
public final class Protocol {
    public static final int VERSION = 1;
    public static final String HOST_NAME = "org.bitweb.host";

    private Protocol() {
    }
}
