package org.bitweb.comments;

import org.bitweb.torrent.Bencode;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A record before it is proven and signed: what a reader wrote (or a publish found), checked
 * against the same rules as a received record the moment it is made.
 */
public record Draft(Page target, Kind kind, long time, Bytes32 parent, Page from, String name, String body) {
    private static final byte[] NO_SIGNATURE = new byte[64];

    public Draft {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        body = body == null ? "" : body;
        name = name == null || name.isBlank() ? null : name.strip();
    }

    public static Draft comment(Page target, String body, long time) {
        return new Draft(target, Kind.COMMENT, time, null, null, null, normalize(body));
    }

    public static Draft reply(Page target, Bytes32 parent, String body, long time) {
        return new Draft(target, Kind.REPLY, time, parent, null, null, normalize(body));
    }

    public static Draft response(Page target, Page from, String body, long time) {
        return new Draft(target, Kind.RESPONSE, time, null, from, null, normalize(body));
    }

    public static Draft link(Page target, Page from, String text, long time) {
        return new Draft(target, Kind.LINK, time, null, from, null, normalize(text));
    }

    public Draft withName(String displayName) {
        return new Draft(target, kind, time, parent, from, displayName, body);
    }

    /** Line ends as line feeds, no blank lines around the text: what a text box gives is not always that. */
    public static String normalize(String text) {
        return text == null ? "" : text.replace("\r\n", "\n").replace('\r', '\n').strip();
    }

    /**
     * Finds the proof of work (about a second at {@link Limits#WORK_BITS}) and signs.
     *
     * @throws RecordException when the draft breaks a rule (an empty comment, a body too long ...)
     */
    public CommentRecord seal(Signer signer) {
        return seal(signer, Limits.WORK_BITS, () -> false);
    }

    /** @return the record, or null when {@code stop} said so before the work was found */
    public CommentRecord seal(Signer signer, int bits, BooleanSupplier stop) {
        Bytes32 author = Bytes32.of(signer.publicKey());
        // the constructor applies every rule before a second of work is spent on the draft
        new CommentRecord(target, kind, author, time, parent, from, name, body, 0, NO_SIGNATURE);
        byte[] withZero = Bencode.encode(CommentRecord.fields(target, kind, author, time, parent, from, name, body, 0));
        long nonce = Work.solve(withZero, bits, 0, stop);
        if (nonce < 0) {
            return null;
        }
        byte[] unsigned = Bencode.encode(CommentRecord.fields(target, kind, author, time, parent, from, name, body, nonce));
        byte[] signature = signer.sign(CommentRecord.signedMessage(unsigned));
        return new CommentRecord(target, kind, author, time, parent, from, name, body, nonce, signature);
    }
}
