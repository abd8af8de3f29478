package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.torrent.Bencode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bw_comments message: each type round-trips, and a bad payload is a message without a type, never an exception. */
class CommentMessageTest {
    private final Signer owner = Fixtures.signer();
    private final SiteAddress keySite = SiteAddress.publicKey(owner.publicKey(), "blog".getBytes(StandardCharsets.US_ASCII));

    @Test
    void everyTypeRoundTrips() {
        Map<Long, long[]> digest = new TreeMap<>(Map.of(20_000L, new long[] {3, -7L}, 20_001L, new long[] {1, Long.MAX_VALUE}));
        CommentMessage get = CommentMessage.decode(CommentMessage.get(keySite, "/a b.html", digest, 4).encode());
        assertEquals(CommentMessage.Type.GET, get.type());
        assertEquals(keySite, get.site());
        assertEquals("/a b.html", get.path());
        assertEquals(4, get.moderationSeq());
        assertArrayEquals(new long[] {3, -7L}, get.digest().get(20_000L));
        assertNull(CommentMessage.decode(CommentMessage.get(Fixtures.SITE, null, Map.of(), 0).encode()).path(), "the whole site");

        CommentRecord record = Fixtures.comment(Fixtures.signer(), Fixtures.page("/"), "hi", Fixtures.NOW);
        CommentMessage recs = CommentMessage.decode(CommentMessage.records(Fixtures.SITE, List.of(record.encode()), true).encode());
        assertEquals(CommentMessage.Type.RECORDS, recs.type());
        assertTrue(recs.last());
        assertArrayEquals(record.encode(), recs.records().get(0));
        assertEquals(false, CommentMessage.decode(CommentMessage.records(Fixtures.SITE, List.of()).encode()).last());

        ModerationList list = ModerationList.empty(keySite).hide(record.id(), true).signNext(owner, Fixtures.NOW);
        CommentMessage mod = CommentMessage.decode(CommentMessage.moderation(list).encode());
        assertEquals(list, ModerationList.decode(mod.moderationBytes()));
    }

    @Test
    void aDigestKeepsTheNewestDaysOnly() {
        Map<Long, long[]> many = new TreeMap<>();
        for (long day = 0; day < CommentMessage.MAX_DAYS + 10; day++) {
            many.put(day, new long[] {1, day});
        }
        CommentMessage get = CommentMessage.decode(CommentMessage.get(Fixtures.SITE, null, many, 0).encode());
        assertEquals(CommentMessage.MAX_DAYS, get.digest().size());
        assertTrue(get.digest().containsKey((long) CommentMessage.MAX_DAYS + 9));
        assertTrue(!get.digest().containsKey(0L));
    }

    @Test
    void badPayloadsAreMessagesWithoutAType() {
        List<byte[]> bad = List.of(
                new byte[0],
                "not bencode".getBytes(StandardCharsets.US_ASCII),
                Bencode.encode(List.of()),
                Bencode.encode(Map.of("t", "dance")),
                Bencode.encode(Map.of("t", "recs", "s", new byte[20])),
                Bencode.encode(Map.of("t", "recs", "s", new byte[21], "r", List.of())),
                Bencode.encode(Map.of("t", "recs", "s", new byte[20], "salt", "x", "r", List.of())),
                Bencode.encode(Map.of("t", "recs", "s", new byte[20], "r", List.of(1L))),
                Bencode.encode(Map.of("t", "recs", "s", new byte[20], "r", List.of(), "e", "yes")),
                Bencode.encode(Map.of("t", "get", "s", new byte[20], "d", List.of(1L, 2L), "m", 0L)),
                Bencode.encode(Map.of("t", "get", "s", new byte[20], "d", List.of(1L, 2L, "x"), "m", 0L)),
                Bencode.encode(Map.of("t", "get", "s", new byte[20], "d", List.of(), "m", 0L, "p", "../etc")),
                Bencode.encode(Map.of("t", "mod", "m", 5L)),
                new byte[CommentMessage.MAX_PAYLOAD + 1]);
        for (byte[] payload : bad) {
            CommentMessage message = CommentMessage.decode(payload);
            assertNull(message.type(), () -> "refused: " + new String(payload, StandardCharsets.ISO_8859_1));
            assertTrue(message.problem() != null && !message.problem().isEmpty());
        }
    }
}
