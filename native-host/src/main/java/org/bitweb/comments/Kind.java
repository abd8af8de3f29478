package org.bitweb.comments;

import java.util.Optional;

/**
 * What a record is. Every kind links content to a page (the page does not link back); the kinds
 * differ in who signs and what else they carry (docs/COMMENTS.md).
 */
public enum Kind {
    /** A reader's text about the page. */
    COMMENT("comment"),
    /** A reader's text answering another record on the same page ({@code parent}). */
    REPLY("reply"),
    /** Another bitweb page that answers this one ({@code from}), named by a reader. */
    RESPONSE("response"),
    /** A link to this page found in another site's HTML when it was published, signed by that site's key. */
    LINK("link");

    private final String wire;

    Kind(String wire) {
        this.wire = wire;
    }

    /** The name in a record and in the protocol. */
    public String wire() {
        return wire;
    }

    public static Optional<Kind> fromWire(String text) {
        for (Kind kind : values()) {
            if (kind.wire.equals(text)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Comments and replies are text that readers write; responses and links point at other pages. */
    public boolean isText() {
        return this == COMMENT || this == REPLY;
    }

    /** Responses and links are "linked from" entries, not part of the discussion. */
    public boolean isBacklink() {
        return this == RESPONSE || this == LINK;
    }
}
