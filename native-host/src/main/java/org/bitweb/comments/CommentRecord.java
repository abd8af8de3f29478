package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.Ed25519;
import org.bitweb.torrent.Bencode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One signed record: a comment, a reply, a response page or an automatic link, addressed to a
 * page. On the wire and on disk it is one bencoded dictionary in canonical form (keys sorted,
 * nothing else accepted), version {@value Limits#VERSION}:
 *
 * <pre>
 * a       32 bytes    the author's ed25519 public key
 * body    string      UTF-8 plain text (comment, reply: required; response, link: optional)
 * from    dictionary  {path, salt?, site}: the page that links here (response, link only)
 * kind    string      comment | reply | response | link
 * name    string      optional display name the author chose
 * parent  32 bytes    the id of the record a reply answers (reply only)
 * path    string      the target page's path
 * salt    bytes       the target key site's salt (only when it has one)
 * sig     64 bytes    ed25519 over "bitweb comment v1\0" + the unsigned bytes
 * site    20|32 bytes the target site: an infohash, or an updatable site's key
 * time    integer     seconds since 1970 (UTC)
 * v       integer     1
 * work    integer     proof-of-work nonce
 * </pre>
 *
 * The unsigned bytes are the same dictionary without {@code sig}; their SHA-256 is the record's
 * {@link #id()}, and it must start with {@link Limits#WORK_BITS} zero bits ({@link Work}).
 * "work" sorts last, so finding a nonce rehashes only the tail. The constructor enforces every
 * rule that needs no clock, key check or store ({@link #verifySeal()} and
 * {@link #checkTime} do those), so a value of this type is always well-formed.
 */
public record CommentRecord(Page target, Kind kind, Bytes32 author, long time, Bytes32 parent, Page from,
                            String name, String body, long work, byte[] signature) {
    /** What the signature covers before the unsigned bytes: no other BitWeb signature can be taken for one. */
    static final byte[] SIGNING_CONTEXT = "bitweb comment v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> FIELDS = Set.of("a", "body", "from", "kind", "name", "parent", "path", "salt",
            "sig", "site", "time", "v", "work");
    private static final Set<String> PAGE_FIELDS = Set.of("path", "salt", "site");

    public CommentRecord {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(author, "author");
        body = body == null ? "" : body;
        name = name == null || name.isEmpty() ? null : name;
        if (signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
            throw new RecordException(Refusal.MALFORMED, "the signature is " + Ed25519.SIGNATURE_BYTES + " bytes");
        }
        signature = signature.clone();
        if (time < 0 || work < 0) {
            throw new RecordException(Refusal.MALFORMED, "time and work are not negative");
        }
        checkKind(target, kind, author, parent, from, body);
        checkText(name, body);
    }

    private static void checkKind(Page target, Kind kind, Bytes32 author, Bytes32 parent, Page from, String body) {
        if ((kind == Kind.REPLY) != (parent != null)) {
            throw new RecordException(Refusal.BAD_KIND, kind == Kind.REPLY ? "a reply names its parent" : "only a reply has a parent");
        }
        if (kind.isBacklink() != (from != null)) {
            throw new RecordException(Refusal.BAD_KIND, kind.isBacklink() ? "a " + kind.wire() + " names the page it comes from"
                    : "a " + kind.wire() + " has no 'from' page");
        }
        if (kind.isText() && body.isBlank()) {
            throw new RecordException(Refusal.BAD_KIND, "a " + kind.wire() + " has a body");
        }
        if (kind == Kind.RESPONSE && from.equals(target)) {
            throw new RecordException(Refusal.BAD_KIND, "a page does not respond to itself");
        }
        if (kind == Kind.LINK) {
            SiteAddress source = from.site();
            if (source.kind() != SiteAddress.Kind.PUBLIC_KEY || !Arrays.equals(source.bytes(), author.bytes())) {
                throw new RecordException(Refusal.BAD_KIND, "a link is signed by the key of the updatable site it comes from");
            }
            if (source.equals(target.site())) {
                throw new RecordException(Refusal.BAD_KIND, "a link comes from another site than its target");
            }
        }
    }

    private static void checkText(String name, String body) {
        if (name != null) {
            if (name.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_NAME_BYTES) {
                throw new RecordException(Refusal.TOO_LARGE, "the name is at most " + Limits.MAX_NAME_BYTES + " bytes");
            }
            Text.check("the name", name, false);
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_BODY_BYTES) {
            throw new RecordException(Refusal.TOO_LARGE, "the body is at most " + Limits.MAX_BODY_BYTES + " bytes");
        }
        Text.check("the body", body, true);
    }

    // ---------------------------------------------------------------- bytes

    /** The signed record, as sent and stored. */
    public byte[] encode() {
        Map<String, Object> dict = unsignedFields(work);
        dict.put("sig", signature);
        return Bencode.encode(dict);
    }

    /** What the id hashes and the signature covers: the record without {@code sig}. */
    public byte[] unsignedBytes() {
        return Bencode.encode(unsignedFields(work));
    }

    /** SHA-256 of the unsigned bytes: names the record, and carries its proof of work. */
    public Bytes32 id() {
        return Bytes32.of(sha256(unsignedBytes()));
    }

    private Map<String, Object> unsignedFields(long nonce) {
        return fields(target, kind, author, time, parent, from, name, body, nonce);
    }

    static Map<String, Object> fields(Page target, Kind kind, Bytes32 author, long time, Bytes32 parent, Page from,
                                      String name, String body, long work) {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("a", author.bytes());
        if (!body.isEmpty()) {
            dict.put("body", body);
        }
        if (from != null) {
            dict.put("from", pageFields(from));
        }
        dict.put("kind", kind.wire());
        if (name != null) {
            dict.put("name", name);
        }
        if (parent != null) {
            dict.put("parent", parent.bytes());
        }
        dict.putAll(pageFields(target));
        dict.put("time", time);
        dict.put("v", (long) Limits.VERSION);
        dict.put("work", work);
        return dict;
    }

    private static Map<String, Object> pageFields(Page page) {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("path", page.path());
        if (page.site().hasSalt()) {
            dict.put("salt", page.site().salt());
        }
        dict.put("site", page.site().bytes());
        return dict;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a record from a peer or the disk: one canonical bencoded dictionary of at most
     * {@link Limits#MAX_RECORD_BYTES}, with only the fields above, each of its type. Does not check
     * the work, the signature or the time: see {@link #verifySeal()} and {@link #checkTime}.
     *
     * @throws RecordException with the rule it breaks; never anything else
     */
    public static CommentRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length > Limits.MAX_RECORD_BYTES) {
            throw new RecordException(Refusal.TOO_LARGE, "a record is at most " + Limits.MAX_RECORD_BYTES + " bytes, not "
                    + (bytes == null ? "null" : bytes.length));
        }
        Object decoded;
        try {
            decoded = Bencode.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new RecordException(Refusal.MALFORMED, e.getMessage());
        }
        if (!(decoded instanceof Map<?, ?> dict)) {
            throw new RecordException(Refusal.MALFORMED, "a record is a dictionary");
        }
        if (!(dict.get("v") instanceof Long version)) {
            throw new RecordException(Refusal.MALFORMED, "no version (v)");
        }
        if (version != Limits.VERSION) {
            throw new RecordException(Refusal.UNSUPPORTED_VERSION, "record version " + version + "; this engine reads "
                    + Limits.VERSION);
        }
        for (Object key : dict.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new RecordException(Refusal.MALFORMED, "unknown field '" + key + "'");
            }
        }
        Kind kind = Kind.fromWire(string(dict, "kind", true))
                .orElseThrow(() -> new RecordException(Refusal.MALFORMED, "unknown kind '" + dict.get("kind") + "'"));
        byte[] parent = bytes(dict, "parent", false);
        Object from = dict.get("from");
        if (from != null && !(from instanceof Map<?, ?>)) {
            throw new RecordException(Refusal.MALFORMED, "'from' is a dictionary");
        }
        byte[] body = bytes(dict, "body", false);
        byte[] name = bytes(dict, "name", false);
        CommentRecord record;
        try {
            record = new CommentRecord(page(dict, "the target"), kind, key32(dict, "a"), number(dict, "time"),
                    parent == null ? null : key32(dict, "parent"), from == null ? null : fromPage((Map<?, ?>) from), 
                    name == null ? null : Text.decode("the name", name, Limits.MAX_NAME_BYTES, false),
                    body == null ? "" : Text.decode("the body", body, Limits.MAX_BODY_BYTES, true),
                    number(dict, "work"), bytes(dict, "sig", true));
        } catch (RecordException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RecordException(Refusal.MALFORMED, e.getMessage());
        }
        if ((body != null && body.length == 0) || (name != null && name.length == 0)) {
            throw new RecordException(Refusal.MALFORMED, "an empty body or name is left out, not written empty");
        }
        if (!Arrays.equals(record.encode(), bytes)) {
            throw new RecordException(Refusal.MALFORMED, "not in canonical form");
        }
        return record;
    }

    private static Page fromPage(Map<?, ?> from) {
        for (Object key : from.keySet()) {
            if (!PAGE_FIELDS.contains(key)) {
                throw new RecordException(Refusal.MALFORMED, "unknown field 'from." + key + "'");
            }
        }
        return page(from, "the linking page");
    }

    private static Page page(Map<?, ?> dict, String what) {
        byte[] site = bytes(dict, "site", true);
        byte[] salt = bytes(dict, "salt", false);
        byte[] path = bytes(dict, "path", true);
        SiteAddress address;
        try {
            if (site.length == SiteAddress.Kind.INFOHASH.byteLength() && salt == null) {
                address = SiteAddress.infohash(site);
            } else if (site.length == SiteAddress.Kind.PUBLIC_KEY.byteLength()) {
                if (salt != null && salt.length == 0) {
                    throw new IllegalArgumentException("an empty salt is left out");
                }
                address = SiteAddress.publicKey(site, salt);
            } else {
                throw new IllegalArgumentException("a site is a 20-byte infohash or a 32-byte key (with a salt)");
            }
            return new Page(address, Text.decode(what + "'s path", path, Limits.MAX_PATH_BYTES, false));
        } catch (RecordException e) {
            throw new RecordException(e.reason() == Refusal.TOO_LARGE ? Refusal.TOO_LARGE : Refusal.BAD_TARGET, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new RecordException(Refusal.BAD_TARGET, what + ": " + e.getMessage());
        }
    }

    private static byte[] bytes(Map<?, ?> dict, String field, boolean required) {
        Object value = dict.get(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof byte[] bytes)) {
            throw new RecordException(Refusal.MALFORMED, "'" + field + "' is " + (value == null ? "missing" : "not a string"));
        }
        return bytes;
    }

    private static String string(Map<?, ?> dict, String field, boolean required) {
        byte[] bytes = bytes(dict, field, required);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static Bytes32 key32(Map<?, ?> dict, String field) {
        byte[] bytes = bytes(dict, field, true);
        if (bytes.length != Bytes32.LENGTH) {
            throw new RecordException(Refusal.MALFORMED, "'" + field + "' is 32 bytes, not " + bytes.length);
        }
        return Bytes32.of(bytes);
    }

    private static long number(Map<?, ?> dict, String field) {
        if (!(dict.get(field) instanceof Long value)) {
            throw new RecordException(Refusal.MALFORMED, "'" + field + "' is " + (dict.get(field) == null ? "missing" : "not an integer"));
        }
        return value;
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks the proof of work (microseconds: one SHA-256) and then the signature (one ed25519
     * verification), in that order so that a flood of unsigned junk costs a hash each.
     *
     * @throws RecordException {@link Refusal#BAD_WORK} or {@link Refusal#BAD_SIGNATURE}
     */
    public void verifySeal() {
        byte[] unsigned = unsignedBytes();
        int bits = Work.leadingZeroBits(sha256(unsigned));
        if (bits < Limits.WORK_BITS) {
            throw new RecordException(Refusal.BAD_WORK, "the id has " + bits + " leading zero bits; at least "
                    + Limits.WORK_BITS + " are needed");
        }
        if (!Ed25519.verify(author.bytes(), signedMessage(unsigned), signature)) {
            throw new RecordException(Refusal.BAD_SIGNATURE, "the signature does not verify with the author's key");
        }
    }

    /**
     * A record may not be dated ahead of {@code nowSeconds} by more than the clock skew, nor
     * before the epoch of BitWeb comments.
     *
     * @throws RecordException {@link Refusal#OUT_OF_WINDOW}
     */
    public void checkTime(long nowSeconds) {
        if (time > nowSeconds + Limits.CLOCK_SKEW.toSeconds()) {
            throw new RecordException(Refusal.OUT_OF_WINDOW, "dated " + (time - nowSeconds) + " s in the future");
        }
        if (time < Limits.EPOCH_SECONDS) {
            throw new RecordException(Refusal.OUT_OF_WINDOW, "dated before " + Limits.EPOCH_SECONDS + " (2025-01-01)");
        }
    }

    static byte[] signedMessage(byte[] unsigned) {
        byte[] message = Arrays.copyOf(SIGNING_CONTEXT, SIGNING_CONTEXT.length + unsigned.length);
        System.arraycopy(unsigned, 0, message, SIGNING_CONTEXT.length, unsigned.length);
        return message;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- value

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The site this record is for. */
    public SiteAddress site() {
        return target.site();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommentRecord other && Arrays.equals(encode(), other.encode());
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "CommentRecord[" + kind.wire() + " " + id().hex().substring(0, 16) + " on " + target + " by "
                + author.hex().substring(0, 16) + " at " + time + "]";
    }
}
