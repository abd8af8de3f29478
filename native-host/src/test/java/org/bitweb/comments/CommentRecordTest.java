package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.torrent.Bencode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.bitweb.comments.Fixtures.NOW;
import static org.bitweb.comments.Fixtures.comment;
import static org.bitweb.comments.Fixtures.fields;
import static org.bitweb.comments.Fixtures.page;
import static org.bitweb.comments.Fixtures.signer;
import static org.bitweb.comments.Fixtures.withWork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record format and the rules a record must pass before anything else looks at it (docs/COMMENTS.md). */
class CommentRecordTest {
    private final Signer alice = signer();

    private static Refusal refusal(byte[] bytes) {
        return assertThrows(RecordException.class, () -> {
            CommentRecord record = CommentRecord.decode(bytes);
            record.verifySeal();
            record.checkTime(NOW);
        }).reason();
    }

    private static Refusal refusal(Map<String, Object> dict) {
        return refusal(withWork(dict));
    }

    @Test
    void aSealedCommentRoundTripsAndVerifies() {
        CommentRecord record = comment(alice, page("/blog/post.html"), "First!\nA second line.", NOW);
        byte[] bytes = record.encode();
        CommentRecord read = CommentRecord.decode(bytes);
        assertEquals(record, read);
        assertArrayEquals(bytes, read.encode());
        assertDoesNotThrow(read::verifySeal);
        assertDoesNotThrow(() -> read.checkTime(NOW));
        assertTrue(Work.leadingZeroBits(read.id().bytes()) >= Limits.WORK_BITS, "the id carries the work");
        assertEquals(Kind.COMMENT, read.kind());
        assertEquals("First!\nA second line.", read.body());
        assertArrayEquals(alice.publicKey(), read.author().bytes());
    }

    @Test
    void theWireFormIsTheDocumentedDictionaryWithWorkLast() {
        CommentRecord record = comment(alice, page("/"), "hi", NOW);
        String text = new String(record.unsignedBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("d1:a32:"), text);
        assertTrue(text.contains("4:body2:hi4:kind7:comment4:path1:/4:site20:"), text);
        assertTrue(text.endsWith("4:timei" + NOW + "e1:vi1e4:worki" + record.work() + "ee"), text);
        Map<String, Object> dict = fields(record);
        assertEquals(java.util.List.of("a", "body", "kind", "path", "sig", "site", "time", "v", "work"), java.util.List.copyOf(dict.keySet()));
    }

    @Test
    void everyKindSealsAndRoundTrips() {
        Signer site = signer();
        Page target = page("/");
        CommentRecord parent = comment(alice, target, "question", NOW);
        CommentRecord reply = Fixtures.reply(signer(), parent, "answer", NOW + 1);
        CommentRecord response = Draft.response(target, Fixtures.keyPage(site, "/answer.html"), "My answer", NOW).seal(alice);
        CommentRecord link = Draft.link(target, Fixtures.keyPage(site, "/links/"), "", NOW).seal(site);
        for (CommentRecord record : new CommentRecord[] {parent, reply, response, link}) {
            CommentRecord read = CommentRecord.decode(record.encode());
            assertEquals(record, read);
            assertDoesNotThrow(read::verifySeal);
        }
        assertEquals(parent.id(), reply.parent());
        assertEquals("", link.body());
        assertNull(CommentRecord.decode(link.encode()).parent());
    }

    @Test
    void aChangedBodyIsRefusedEvenWithFreshWork() {
        Map<String, Object> dict = fields(comment(alice, page("/"), "I like it", NOW));
        dict.put("body", "I hate it".getBytes(StandardCharsets.UTF_8));
        assertEquals(Refusal.BAD_SIGNATURE, refusal(dict));
    }

    @Test
    void aRecordClaimingAnotherAuthorIsRefused() {
        Map<String, Object> dict = fields(comment(alice, page("/"), "hello", NOW));
        dict.put("a", signer().publicKey());
        assertEquals(Refusal.BAD_SIGNATURE, refusal(dict));
    }

    @Test
    void aSignatureMovedToAnotherSiteIsRefused() {
        Map<String, Object> dict = fields(comment(alice, page("/"), "hello", NOW));
        byte[] other = new byte[20];
        Arrays.fill(other, (byte) 7);
        dict.put("site", other);
        assertEquals(Refusal.BAD_SIGNATURE, refusal(dict));
    }

    @Test
    void tooLittleWorkIsRefused() {
        CommentRecord record = comment(alice, page("/"), "hello", NOW);
        Map<String, Object> dict = fields(record);
        // the next nonces whose id lacks the work, signed properly by the author
        for (long nonce = record.work() + 1; ; nonce++) {
            dict.put("work", nonce);
            dict.remove("sig");
            byte[] unsigned = Bencode.encode(dict);
            if (Work.leadingZeroBits(CommentRecord.sha256(unsigned)) < Limits.WORK_BITS) {
                dict.put("sig", alice.sign(CommentRecord.signedMessage(unsigned)));
                assertEquals(Refusal.BAD_WORK, refusal(Bencode.encode(dict)));
                return;
            }
        }
    }

    @Test
    void recordsOutsideTheTimeWindowAreRefused() {
        long skew = Limits.CLOCK_SKEW.toSeconds();
        assertEquals(Refusal.OUT_OF_WINDOW, refusal(comment(alice, page("/"), "from the future", NOW + skew + 1).encode()));
        assertEquals(Refusal.OUT_OF_WINDOW, refusal(comment(alice, page("/"), "before the epoch", Limits.EPOCH_SECONDS - 1).encode()));
        assertDoesNotThrow(() -> comment(alice, page("/"), "a fast clock", NOW + skew).checkTime(NOW));
        assertDoesNotThrow(() -> comment(alice, page("/"), "at the epoch", Limits.EPOCH_SECONDS).checkTime(NOW));
    }

    @Test
    void oversizedRecordsAndFieldsAreRefused() {
        CommentRecord record = comment(alice, page("/"), "x", NOW);
        Map<String, Object> dict = fields(record);
        dict.put("body", "x".repeat(Limits.MAX_BODY_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        assertEquals(Refusal.TOO_LARGE, refusal(dict));
        dict = fields(record);
        dict.put("name", "n".repeat(Limits.MAX_NAME_BYTES + 1).getBytes(StandardCharsets.UTF_8));
        assertEquals(Refusal.TOO_LARGE, refusal(dict));
        dict = fields(record);
        dict.put("path", ("/" + "p".repeat(Limits.MAX_PATH_BYTES)).getBytes(StandardCharsets.UTF_8));
        assertEquals(Refusal.TOO_LARGE, refusal(dict));
        byte[] huge = new byte[Limits.MAX_RECORD_BYTES + 1];
        assertEquals(Refusal.TOO_LARGE, refusal(huge));
        byte[] body64k = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
        dict = fields(record);
        dict.put("body", body64k);
        assertEquals(Refusal.TOO_LARGE, refusal(Bencode.encode(dict)));
        assertThrows(RecordException.class, () -> Draft.comment(page("/"), "x".repeat(Limits.MAX_BODY_BYTES + 1), NOW).seal(alice));
    }

    @Test
    void theLargestRecordTheRulesAllowFitsTheRecordLimit() {
        Signer site = signer();
        String longPath = "/" + "p".repeat(Limits.MAX_PATH_BYTES - 1);
        Page target = new Page(SiteAddress.publicKey(signer().publicKey(), "s".repeat(36).getBytes(StandardCharsets.US_ASCII)), longPath);
        Page from = new Page(SiteAddress.publicKey(site.publicKey(), "t".repeat(36).getBytes(StandardCharsets.US_ASCII)), longPath);
        CommentRecord largest = Draft.link(target, from, "é".repeat(Limits.MAX_BODY_BYTES / 2), NOW)
                .withName("n".repeat(Limits.MAX_NAME_BYTES)).seal(site);
        assertTrue(largest.encode().length <= Limits.MAX_RECORD_BYTES, largest.encode().length + " bytes");
        assertDoesNotThrow(() -> CommentRecord.decode(largest.encode()).verifySeal());
    }

    @Test
    void badTextIsRefused() {
        CommentRecord record = comment(alice, page("/"), "x", NOW);
        byte[][] bad = {
            {(byte) 0xc3, 0x28},                    // a broken two-byte sequence
            {(byte) 0xc0, (byte) 0xaf},             // an overlong '/'
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a UTF-16 surrogate written as UTF-8
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // 5-byte form
            {'a', (byte) 0xff},
            "bell\u0007".getBytes(StandardCharsets.UTF_8),
            "nul\u0000".getBytes(StandardCharsets.UTF_8),
            "carriage\rreturn".getBytes(StandardCharsets.UTF_8),
            "c1\u0085".getBytes(StandardCharsets.UTF_8),
            "abc\u202Egpj.exe".getBytes(StandardCharsets.UTF_8), // right-to-left override
            "\u2066isolate\u2069".getBytes(StandardCharsets.UTF_8),
            "\uFFFE".getBytes(StandardCharsets.UTF_8),
        };
        for (byte[] body : bad) {
            Map<String, Object> dict = fields(record);
            dict.put("body", body);
            assertEquals(Refusal.BAD_TEXT, refusal(dict), Arrays.toString(body));
        }
        Map<String, Object> dict = fields(record);
        dict.put("name", "two\nlines".getBytes(StandardCharsets.UTF_8));
        assertEquals(Refusal.BAD_TEXT, refusal(dict));
        assertDoesNotThrow(() -> comment(alice, page("/"), "tab\tand\nlines, שלום, مرحبا, 😀, \u200F", NOW));
    }

    @Test
    void onlyCanonicalBencodingIsAccepted() {
        CommentRecord record = comment(alice, page("/"), "x", NOW);
        byte[] bytes = record.encode();
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        trailing[bytes.length] = 'e';
        assertEquals(Refusal.MALFORMED, refusal(trailing));
        // keys out of order: swap "a" to the end by hand
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String aField = text.substring(1, 1 + "1:a32:".length() + 32);
        String unsorted = "d" + text.substring(1 + aField.length(), text.length() - 1) + aField + "e";
        assertEquals(Refusal.MALFORMED, refusal(unsorted.getBytes(StandardCharsets.ISO_8859_1)));
        // a leading zero in an integer
        String padded = text.replace("4:timei" + NOW + "e", "4:timei0" + NOW + "e");
        assertEquals(Refusal.MALFORMED, refusal(padded.getBytes(StandardCharsets.ISO_8859_1)));
        Map<String, Object> dict = fields(record);
        dict.put("extra", 1L);
        assertEquals(Refusal.MALFORMED, refusal(dict));
        dict = fields(record);
        dict.put("time", "now".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Refusal.MALFORMED, refusal(dict));
        dict = fields(record);
        dict.put("name", new byte[0]);
        assertEquals(Refusal.MALFORMED, refusal(dict));
        assertEquals(Refusal.MALFORMED, refusal("le".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Refusal.MALFORMED, refusal(new byte[] {'d', '1', ':'}));
    }

    @Test
    void anotherVersionIsRefusedAsUnsupported() {
        Map<String, Object> dict = fields(comment(alice, page("/"), "x", NOW));
        dict.put("v", 2L);
        assertEquals(Refusal.UNSUPPORTED_VERSION, refusal(dict));
    }

    @Test
    void fieldsMustFitTheKind() {
        CommentRecord parent = comment(alice, page("/"), "q", NOW);
        Map<String, Object> dict = fields(parent);
        dict.put("kind", "reply".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Refusal.BAD_KIND, refusal(dict), "a reply without a parent");
        dict = fields(parent);
        dict.put("parent", parent.id().bytes());
        assertEquals(Refusal.BAD_KIND, refusal(dict), "a comment with a parent");
        dict = fields(parent);
        dict.put("kind", "poem".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Refusal.MALFORMED, refusal(dict));
        assertThrows(RecordException.class, () -> Draft.comment(page("/"), "  \n ", NOW).seal(alice), "an empty comment");
        Page target = page("/");
        Signer site = signer();
        RecordException notTheSiteKey = assertThrows(RecordException.class,
                () -> Draft.link(target, Fixtures.keyPage(site, "/"), "", NOW).seal(alice));
        assertEquals(Refusal.BAD_KIND, notTheSiteKey.reason());
        assertThrows(RecordException.class, () -> Draft.link(target, new Page(SiteAddress.infohash(new byte[20]), "/"), "", NOW).seal(alice),
                "an immutable site has no key to sign its links");
        assertThrows(RecordException.class, () -> Draft.response(target, target, "", NOW).seal(alice), "a page answering itself");
        Page own = Fixtures.keyPage(site, "/a.html");
        assertThrows(RecordException.class, () -> Draft.link(Fixtures.keyPage(site, "/b.html"), own, "", NOW).seal(site),
                "a site linking to itself");
    }

    @Test
    void targetsMustBeBitwebPagesInCanonicalForm() {
        CommentRecord record = comment(alice, page("/"), "x", NOW);
        for (String path : new String[] {"", "a", "/a//b", "/a/../b", "/index.html", "/a/index.html", "/a\\b", "/./"}) {
            Map<String, Object> dict = fields(record);
            dict.put("path", path.getBytes(StandardCharsets.UTF_8));
            assertEquals(Refusal.BAD_TARGET, refusal(dict), path);
        }
        Map<String, Object> dict = fields(record);
        dict.put("site", new byte[21]);
        assertEquals(Refusal.BAD_TARGET, refusal(dict));
        dict = fields(record);
        dict.put("salt", "blog".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Refusal.BAD_TARGET, refusal(dict), "an infohash has no salt");
    }

    @Test
    void pagesFromUrlsAreCanonical() {
        String site = Fixtures.SITE.label();
        assertEquals("/", Page.parse("http://" + site + ".bitweb").path());
        assertEquals("/", Page.parse("http://" + site + ".bitweb/index.html?x=1#top").path());
        assertEquals("/about/", Page.parse("http://" + site + ".bitweb/about/index.html").path());
        assertEquals("/caf\u00e9 menu.html", Page.parse("http://" + site + ".bitweb.localhost:47800/caf%C3%A9%20menu.html").path());
        assertEquals("http://" + site + ".bitweb/caf%C3%A9%20menu.html", Page.parse("http://" + site + ".bitweb/caf%c3%a9%20menu.html").url());
        assertEquals("/100%.html", Page.parse("http://" + site + ".bitweb/100%25.html").path());
        assertThrows(IllegalArgumentException.class, () -> Page.parse("http://" + site + ".bitweb/a/../b"));
        assertThrows(IllegalArgumentException.class, () -> Page.parse("https://example.com/"));
    }

    @Test
    void leadingZeroBitsAreCountedFromTheFirstByte() {
        assertEquals(256, Work.leadingZeroBits(new byte[32]));
        assertEquals(0, Work.leadingZeroBits(new byte[] {(byte) 0x80}));
        assertEquals(7, Work.leadingZeroBits(new byte[] {1}));
        assertEquals(12, Work.leadingZeroBits(new byte[] {0, 0x08}));
    }
}
