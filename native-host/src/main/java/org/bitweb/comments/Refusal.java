package org.bitweb.comments;

/**
 * Why a record or a moderation list was refused. The numbers are stable (docs/COMMENTS.md, the
 * host protocol's {@code reason}): append only, never renumber, never reuse.
 */
public enum Refusal {
    MALFORMED(1, "not a well-formed record: bencoding, field names or field types"),
    UNSUPPORTED_VERSION(2, "a record version this engine does not know"),
    TOO_LARGE(3, "the record, its body, name or path is over its size limit"),
    BAD_TEXT(4, "a text field is not valid UTF-8 or holds control or bidi-override characters"),
    BAD_TARGET(5, "the target or linking page is not a bitweb page in canonical form"),
    BAD_KIND(6, "the fields do not fit the record's kind"),
    BAD_WORK(7, "the proof of work is missing or too small"),
    BAD_SIGNATURE(8, "the signature does not verify with the author's key"),
    OUT_OF_WINDOW(9, "the record's time is in the future or before BitWeb comments existed"),
    DUPLICATE(10, "this engine holds the record already"),
    RATE_LIMITED(11, "the author wrote too many records for this site within the hour"),
    AUTHOR_LIMIT(12, "the author holds the most records one author may hold for a site"),
    HIDDEN(13, "the site's owner hid this record or its author"),
    SITE_FULL(14, "the site's comment storage is full of newer records"),
    WRONG_SITE(15, "the record is for another site than the connection it came on"),
    STALE(16, "a moderation list that is not newer than the one held");

    private final int code;
    private final String meaning;

    Refusal(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The name used on the wire and in JSON: lower case with dashes. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
