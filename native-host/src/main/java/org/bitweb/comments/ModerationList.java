package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.Ed25519;
import org.bitweb.torrent.Bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the owner of an updatable site hides from its comments, signed with the site's key, so
 * that every engine holding the site's comments applies it and passes it on with them. A newer
 * list (higher {@code seq}) replaces the older one whole. Bencoded, canonical, version 1:
 *
 * <pre>
 * authors list of 32-byte keys    authors whose records are hidden, sorted, unique
 * hide    list of 32-byte ids     records hidden, sorted, unique
 * keep    list of 32-byte ids     records kept when the site's storage is full, sorted, unique
 * salt    bytes                   the site's salt (only when it has one)
 * seq     integer >= 1            grows with every change
 * sig     64 bytes                ed25519 over "bitweb moderation v1\0" + the unsigned bytes
 * site    32 bytes                the site's key, which must have signed
 * time    integer                 seconds since 1970, when it was signed
 * v       integer                 1
 * </pre>
 *
 * An immutable site has no key, so nobody can moderate its comments for everyone: only each
 * reader's own mute list applies there.
 */
public record ModerationList(SiteAddress site, long seq, long time, NavigableSet<Bytes32> hidden,
                             NavigableSet<Bytes32> hiddenAuthors, NavigableSet<Bytes32> kept, byte[] signature) {
    static final byte[] SIGNING_CONTEXT = "bitweb moderation v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> FIELDS = Set.of("authors", "hide", "keep", "salt", "seq", "sig", "site", "time", "v");
    private static final byte[] NO_SIGNATURE = new byte[Ed25519.SIGNATURE_BYTES];

    public ModerationList {
        Objects.requireNonNull(site, "site");
        if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
            throw new RecordException(Refusal.BAD_TARGET, "only an updatable site has an owner who can moderate it");
        }
        if (seq < 0 || time < 0) {
            throw new RecordException(Refusal.MALFORMED, "seq and time are not negative");
        }
        hidden = Collections.unmodifiableNavigableSet(new TreeSet<>(hidden));
        hiddenAuthors = Collections.unmodifiableNavigableSet(new TreeSet<>(hiddenAuthors));
        kept = Collections.unmodifiableNavigableSet(new TreeSet<>(kept));
        if (signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
            throw new RecordException(Refusal.MALFORMED, "the signature is " + Ed25519.SIGNATURE_BYTES + " bytes");
        }
        signature = signature.clone();
    }

    /** The list before the owner has done anything: seq 0, never signed, hides nothing. */
    public static ModerationList empty(SiteAddress site) {
        return new ModerationList(site, 0, 0, new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), NO_SIGNATURE);
    }

    public boolean isEmpty() {
        return seq == 0;
    }

    /** Whether the owner hid this record, by its id or by its author. */
    public boolean hides(Bytes32 id, Bytes32 author) {
        return hidden.contains(id) || hiddenAuthors.contains(author);
    }

    public boolean keeps(Bytes32 id) {
        return kept.contains(id);
    }

    // ---------------------------------------------------------------- changes (the owner's engine)

    public ModerationList hide(Bytes32 id, boolean on) {
        return new ModerationList(site, seq, time, toggle(hidden, id, on), hiddenAuthors, kept, NO_SIGNATURE);
    }

    public ModerationList hideAuthor(Bytes32 author, boolean on) {
        return new ModerationList(site, seq, time, hidden, toggle(hiddenAuthors, author, on), kept, NO_SIGNATURE);
    }

    public ModerationList keep(Bytes32 id, boolean on) {
        return new ModerationList(site, seq, time, hidden, hiddenAuthors, toggle(kept, id, on), NO_SIGNATURE);
    }

    private static NavigableSet<Bytes32> toggle(NavigableSet<Bytes32> set, Bytes32 value, boolean on) {
        TreeSet<Bytes32> copy = new TreeSet<>(set);
        if (on) {
            copy.add(value);
        } else {
            copy.remove(value);
        }
        return copy;
    }

    /**
     * Signs this list as the next one ({@code seq + 1}) with the site's key.
     *
     * @throws RecordException {@link Refusal#BAD_SIGNATURE} for another key than the site's,
     *                         {@link Refusal#TOO_LARGE} when the list has grown over its limit
     */
    public ModerationList signNext(Signer owner, long nowSeconds) {
        if (!Arrays.equals(owner.publicKey(), site.bytes())) {
            throw new RecordException(Refusal.BAD_SIGNATURE, "only the key of " + site.host() + " signs its moderation list");
        }
        long next = seq + 1;
        byte[] unsigned = Bencode.encode(fields(site, next, nowSeconds, hidden, hiddenAuthors, kept));
        if (unsigned.length + 80 > Limits.MAX_MODERATION_BYTES) {
            throw new RecordException(Refusal.TOO_LARGE, "the moderation list would be over " + Limits.MAX_MODERATION_BYTES
                    + " bytes (" + (hidden.size() + hiddenAuthors.size() + kept.size()) + " entries); unhide some first");
        }
        return new ModerationList(site, next, nowSeconds, hidden, hiddenAuthors, kept, owner.sign(signedMessage(unsigned)));
    }

    // ---------------------------------------------------------------- bytes

    public byte[] encode() {
        Map<String, Object> dict = fields(site, seq, time, hidden, hiddenAuthors, kept);
        dict.put("sig", signature);
        return Bencode.encode(dict);
    }

    private static Map<String, Object> fields(SiteAddress site, long seq, long time, Set<Bytes32> hidden,
                                              Set<Bytes32> authors, Set<Bytes32> kept) {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("authors", list(authors));
        dict.put("hide", list(hidden));
        dict.put("keep", list(kept));
        if (site.hasSalt()) {
            dict.put("salt", site.salt());
        }
        dict.put("seq", seq);
        dict.put("site", site.bytes());
        dict.put("time", time);
        dict.put("v", (long) Limits.VERSION);
        return dict;
    }

    private static List<Object> list(Set<Bytes32> values) {
        List<Object> out = new ArrayList<>(values.size());
        values.forEach(v -> out.add(v.bytes()));
        return out;
    }

    private static byte[] signedMessage(byte[] unsigned) {
        byte[] message = Arrays.copyOf(SIGNING_CONTEXT, SIGNING_CONTEXT.length + unsigned.length);
        System.arraycopy(unsigned, 0, message, SIGNING_CONTEXT.length, unsigned.length);
        return message;
    }

    /**
     * Reads a list from a peer or the disk and checks it whole: canonical form, sorted unique
     * lists, and the site key's signature.
     *
     * @throws RecordException with the rule it breaks; never anything else
     */
    public static ModerationList decode(byte[] bytes) {
        if (bytes == null || bytes.length > Limits.MAX_MODERATION_BYTES) {
            throw new RecordException(Refusal.TOO_LARGE, "a moderation list is at most " + Limits.MAX_MODERATION_BYTES + " bytes");
        }
        Object decoded;
        try {
            decoded = Bencode.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new RecordException(Refusal.MALFORMED, e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> dict)) {
            throw new RecordException(Refusal.MALFORMED, "a moderation list is a dictionary");
        }
        if (!(dict.get("v") instanceof Long version) || version != Limits.VERSION) {
            throw new RecordException(Refusal.UNSUPPORTED_VERSION, "moderation list version " + dict.get("v"));
        }
        for (Object key : dict.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new RecordException(Refusal.MALFORMED, "unknown field '" + key + "'");
            }
        }
        if (!(dict.get("site") instanceof byte[] key) || key.length != 32 || !(dict.get("seq") instanceof Long seq)
                || !(dict.get("time") instanceof Long time) || !(dict.get("sig") instanceof byte[] sig)
                || (dict.get("salt") != null && !(dict.get("salt") instanceof byte[] salt && salt.length > 0))) {
            throw new RecordException(Refusal.MALFORMED, "site, seq, time or sig missing or of the wrong type");
        }
        ModerationList list;
        try {
            list = new ModerationList(SiteAddress.publicKey(key, (byte[]) dict.get("salt")), seq, time,
                    ids(dict, "hide"), ids(dict, "authors"), ids(dict, "keep"), sig);
        } catch (RecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RecordException(Refusal.BAD_TARGET, e.getMessage());
        }
        if (seq < 1) {
            throw new RecordException(Refusal.MALFORMED, "a signed list has seq 1 or more");
        }
        if (!Arrays.equals(list.encode(), bytes)) {
            throw new RecordException(Refusal.MALFORMED, "not in canonical form (lists sorted and without repeats)");
        }
        byte[] unsigned = Bencode.encode(fields(list.site, seq, time, list.hidden, list.hiddenAuthors, list.kept));
        if (!Ed25519.verify(key, signedMessage(unsigned), sig)) {
            throw new RecordException(Refusal.BAD_SIGNATURE, "the moderation list is not signed by the site's key");
        }
        return list;
    }

    private static NavigableSet<Bytes32> ids(Map<?, ?> dict, String field) {
        if (!(dict.get(field) instanceof List<?> items)) {
            throw new RecordException(Refusal.MALFORMED, "'" + field + "' is a list");
        }
        TreeSet<Bytes32> set = new TreeSet<>();
        for (Object item : items) {
            if (!(item instanceof byte[] bytes) || bytes.length != 32) {
                throw new RecordException(Refusal.MALFORMED, "'" + field + "' holds 32-byte strings only");
            }
            set.add(Bytes32.of(bytes));
        }
        return set;
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModerationList other && Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
        return Objects.hash(site, seq);
    }

    @Override
    public String toString() {
        return "ModerationList[" + site.host() + " seq " + seq + ", " + hidden.size() + " hidden, "
                + hiddenAuthors.size() + " authors, " + kept.size() + " kept]";
    }
}
