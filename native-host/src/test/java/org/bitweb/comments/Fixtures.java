package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.SiteKey;
import org.bitweb.torrent.Bencode;

import java.util.LinkedHashMap;
import java.util.Map;

/** Keys, pages and sealed records for the tests of this package (work at the tests' low difficulty). */
final class Fixtures {
    /** 2026-02-02T02:40:00Z */
    static final long NOW = 1_770_000_000L;
    static final SiteAddress SITE = SiteAddress.infohash(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});

    private Fixtures() {
    }

    static Signer signer() {
        return Signer.of(SiteKey.generate("test"));
    }

    static Page page(String path) {
        return new Page(SITE, path);
    }

    static Page keyPage(Signer owner, String path) {
        return new Page(SiteAddress.publicKey(owner.publicKey()), path);
    }

    static CommentRecord comment(Signer author, Page page, String body, long time) {
        return Draft.comment(page, body, time).seal(author);
    }

    static CommentRecord reply(Signer author, CommentRecord parent, String body, long time) {
        return Draft.reply(parent.target(), parent.id(), body, time).seal(author);
    }

    /** The record's fields as a mutable map, to break one rule at a time. */
    static Map<String, Object> fields(CommentRecord record) {
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = new LinkedHashMap<>((Map<String, Object>) Bencode.decode(record.encode()));
        return dict;
    }

    /**
     * Re-seals changed fields the way a forger with the author's key would not be able to: with
     * valid proof of work for the new content but the old signature (or none).
     */
    static byte[] withWork(Map<String, Object> dict) {
        Map<String, Object> unsigned = new LinkedHashMap<>(dict);
        Object sig = unsigned.remove("sig");
        unsigned.put("work", 0L);
        long nonce = Work.solve(Bencode.encode(unsigned), Limits.WORK_BITS, 0, () -> false);
        unsigned.put("work", nonce);
        if (sig != null) {
            unsigned.put("sig", sig);
        }
        return Bencode.encode(unsigned);
    }
}
