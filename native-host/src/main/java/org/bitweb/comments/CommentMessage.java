package org.bitweb.comments;

import bt.protocol.extended.ExtendedMessage;
import org.bitweb.address.SiteAddress;
import org.bitweb.torrent.Bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BitWeb's BEP 10 extension message {@value #NAME}, carrying comments between the peers of a
 * site over the connections its pages already use. The payload is one bencoded dictionary, at
 * most {@value #MAX_PAYLOAD} bytes, of one of three types ({@code t}):
 *
 * <pre>
 * get   {t: "get", s: site, salt?, p?: path, d: [day, count, xor, ...], m: moderation seq}
 *       "this is what I hold (of this page, or of the whole site without p): send what differs"
 * recs  {t: "recs", s: site, salt?, r: [record, ...], e?: 1}
 *       records of that site, each as signed; e: 1 ends an answer to a get (r may be empty)
 * mod   {t: "mod", m: moderation list}                     the owner's signed list of a site
 * </pre>
 *
 * {@code d} summarises the sender's records by UTC day: the day number, how many records and the
 * XOR of their ids' first 8 bytes as a signed 64-bit integer, at most {@value #MAX_DAYS} days (the
 * newest). A decoded message is well-formed; whether its records pass is the store's business.
 */
public final class CommentMessage extends ExtendedMessage {
    public static final String NAME = "bw_comments";
    /** Above the largest batch a sender makes ({@link #BATCH_BYTES}) and a moderation list with room to spare. */
    public static final int MAX_PAYLOAD = 128 * 1024;
    /** A sender puts records in a message until they make this many bytes. */
    public static final int BATCH_BYTES = 60 * 1024;
    /** Days a digest names at most: about three years of daily comments. */
    public static final int MAX_DAYS = 1000;

    public enum Type {
        GET("get"), RECORDS("recs"), MODERATION("mod");

        final String wire;

        Type(String wire) {
            this.wire = wire;
        }
    }

    private final Type type;
    private final SiteAddress site;
    private final String path;
    private final Map<Long, long[]> digest;
    private final long moderationSeq;
    private final List<byte[]> records;
    private final byte[] moderation;
    private final boolean last;
    private final String problem;

    private CommentMessage(Type type, SiteAddress site, String path, Map<Long, long[]> digest, long moderationSeq,
                           List<byte[]> records, byte[] moderation, String problem) {
        this(type, site, path, digest, moderationSeq, records, moderation, false, problem);
    }

    private CommentMessage(Type type, SiteAddress site, String path, Map<Long, long[]> digest, long moderationSeq,
                           List<byte[]> records, byte[] moderation, boolean last, String problem) {
        this.last = last;
        this.type = type;
        this.site = site;
        this.path = path;
        this.digest = digest;
        this.moderationSeq = moderationSeq;
        this.records = records;
        this.moderation = moderation;
        this.problem = problem;
    }

    /** Asks for what differs from {@code digest} (newest {@value #MAX_DAYS} days kept) for a page, or the whole site. */
    public static CommentMessage get(SiteAddress site, String pathOrNull, Map<Long, long[]> digest, long moderationSeq) {
        TreeMap<Long, long[]> newest = new TreeMap<>(digest);
        while (newest.size() > MAX_DAYS) {
            newest.pollFirstEntry();
        }
        return new CommentMessage(Type.GET, site, pathOrNull, newest, moderationSeq, List.of(), null, null);
    }

    public static CommentMessage records(SiteAddress site, List<byte[]> records) {
        return records(site, records, false);
    }

    /** @param last this batch ends an answer to a {@code get} */
    public static CommentMessage records(SiteAddress site, List<byte[]> records, boolean last) {
        return new CommentMessage(Type.RECORDS, site, null, Map.of(), 0, List.copyOf(records), null, last, null);
    }

    /** Whether these records end an answer to a {@code get}. */
    public boolean last() {
        return last;
    }

    public static CommentMessage moderation(ModerationList list) {
        return new CommentMessage(Type.MODERATION, list.site(), null, Map.of(), list.seq(), List.of(), list.encode(), null);
    }

    /** Null for a malformed message ({@link #problem()} says why). */
    public Type type() {
        return type;
    }

    public String problem() {
        return problem;
    }

    public SiteAddress site() {
        return site;
    }

    /** The page asked about, or null for the whole site. */
    public String path() {
        return path;
    }

    public Map<Long, long[]> digest() {
        return digest;
    }

    public long moderationSeq() {
        return moderationSeq;
    }

    public List<byte[]> records() {
        return records;
    }

    public byte[] moderationBytes() {
        return moderation;
    }

    public byte[] encode() {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("t", type.wire);
        switch (type) {
            case GET -> {
                putSite(dict, site);
                if (path != null) {
                    dict.put("p", path);
                }
                List<Object> days = new ArrayList<>();
                digest.forEach((day, value) -> {
                    days.add(day);
                    days.add(value[0]);
                    days.add(value[1]);
                });
                dict.put("d", days);
                dict.put("m", moderationSeq);
            }
            case RECORDS -> {
                putSite(dict, site);
                dict.put("r", new ArrayList<Object>(records));
                if (last) {
                    dict.put("e", 1L);
                }
            }
            case MODERATION -> dict.put("m", moderation);
        }
        return Bencode.encode(dict);
    }

    private static void putSite(Map<String, Object> dict, SiteAddress site) {
        dict.put("s", site.bytes());
        if (site.hasSalt()) {
            dict.put("salt", site.salt());
        }
    }

    /** Never throws: a bad payload becomes a message without a type, and the connection survives it. */
    public static CommentMessage decode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            return malformed("payload of " + payload.length + " bytes");
        }
        try {
            if (!(Bencode.decode(payload) instanceof Map<?, ?> dict) || !(dict.get("t") instanceof byte[] t)) {
                return malformed("not a dictionary with a type");
            }
            String wire = new String(t, StandardCharsets.US_ASCII);
            if (wire.equals(Type.MODERATION.wire)) {
                if (!(dict.get("m") instanceof byte[] list)) {
                    return malformed("mod without a list");
                }
                return new CommentMessage(Type.MODERATION, null, null, Map.of(), 0, List.of(), list, null);
            }
            SiteAddress site = site(dict);
            if (wire.equals(Type.RECORDS.wire)) {
                if (!(dict.get("r") instanceof List<?> list)) {
                    return malformed("recs without records");
                }
                List<byte[]> records = new ArrayList<>(list.size());
                for (Object item : list) {
                    if (!(item instanceof byte[] bytes)) {
                        return malformed("a record that is not a string");
                    }
                    records.add(bytes);
                }
                Object end = dict.get("e");
                if (end != null && !(end instanceof Long)) {
                    return malformed("e is an integer");
                }
                return new CommentMessage(Type.RECORDS, site, null, Map.of(), 0, records, null, Long.valueOf(1).equals(end), null);
            }
            if (wire.equals(Type.GET.wire)) {
                String path = null;
                if (dict.get("p") instanceof byte[] p) {
                    path = new Page(site, Text.decode("the path", p, Limits.MAX_PATH_BYTES, false)).path();
                }
                if (!(dict.get("d") instanceof List<?> days) || days.size() % 3 != 0 || days.size() > 3 * MAX_DAYS
                        || !(dict.get("m") instanceof Long seq)) {
                    return malformed("get without a digest of day triples or a moderation seq");
                }
                Map<Long, long[]> digest = new TreeMap<>();
                for (int i = 0; i < days.size(); i += 3) {
                    if (!(days.get(i) instanceof Long day) || !(days.get(i + 1) instanceof Long count)
                            || !(days.get(i + 2) instanceof Long xor)) {
                        return malformed("a digest entry that is not three integers");
                    }
                    digest.put(day, new long[] {count, xor});
                }
                return new CommentMessage(Type.GET, site, path, digest, seq, List.of(), null, null);
            }
            return malformed("unknown type '" + wire + "'");
        } catch (IllegalArgumentException e) {
            return malformed(e.getMessage());
        }
    }

    private static SiteAddress site(Map<?, ?> dict) {
        if (!(dict.get("s") instanceof byte[] s)) {
            throw new IllegalArgumentException("no site");
        }
        Object salt = dict.get("salt");
        if (salt != null && !(salt instanceof byte[])) {
            throw new IllegalArgumentException("a salt that is not a string");
        }
        if (s.length == 20 && salt == null) {
            return SiteAddress.infohash(s);
        }
        if (s.length == 32) {
            return SiteAddress.publicKey(s, (byte[]) salt);
        }
        throw new IllegalArgumentException("a site of " + s.length + " bytes");
    }

    private static CommentMessage malformed(String problem) {
        return new CommentMessage(null, null, null, Map.of(), 0, List.of(), null, problem);
    }

    @Override
    public String toString() {
        return type == null ? "CommentMessage[malformed: " + problem + "]"
                : "CommentMessage[" + type.wire + (site != null ? " " + site.label() : "")
                + (type == Type.RECORDS ? ", " + records.size() + " records" : "") + "]";
    }
}
