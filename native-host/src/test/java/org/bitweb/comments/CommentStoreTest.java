package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.bitweb.comments.Fixtures.NOW;
import static org.bitweb.comments.Fixtures.comment;
import static org.bitweb.comments.Fixtures.fields;
import static org.bitweb.comments.Fixtures.page;
import static org.bitweb.comments.Fixtures.signer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a holder keeps, refuses and drops; and that the disk never holds what was refused or forgotten. */
class CommentStoreTest {
    @TempDir
    Path temp;

    private final Signer alice = signer();
    private final Signer bob = signer();

    private CommentStore open() throws IOException {
        return CommentStore.open(temp.resolve("comments"), site -> false);
    }

    private CommentStore open(Limits.Holding limits, Set<SiteAddress> owned) throws IOException {
        return CommentStore.open(temp.resolve("comments"), limits, owned::contains);
    }

    private Path logFile() {
        return temp.resolve("comments/records.log");
    }

    @Test
    void aKeptRecordIsReadBackByteForByteAfterARestart() throws IOException {
        CommentRecord record = comment(alice, page("/post.html"), "Well written.", NOW);
        CommentRecord reply = Fixtures.reply(bob, record, "Thanks!", NOW + 60);
        try (CommentStore store = open()) {
            assertTrue(store.add(record, NOW).added());
            assertTrue(store.add(reply, NOW + 60).added());
        }
        try (CommentStore store = open()) {
            assertEquals(2, store.count(Fixtures.SITE));
            assertArrayEquals(record.encode(), store.get(Fixtures.SITE, record.id()).orElseThrow().encode());
            assertArrayEquals(reply.encode(), store.get(Fixtures.SITE, reply.id()).orElseThrow().encode());
            assertEquals(new CommentStore.Stats(2, 1, 2, Files.size(logFile()), 0), store.stats());
        }
    }

    @Test
    void aDuplicateIsRecognisedAndStoredOnce() throws IOException {
        CommentRecord record = comment(alice, page("/"), "once", NOW);
        try (CommentStore store = open()) {
            assertTrue(store.add(record, NOW).added());
            long size = Files.size(logFile());
            CommentStore.Outcome again = store.add(CommentRecord.decode(record.encode()), NOW);
            assertEquals(Refusal.DUPLICATE, again.refusal());
            assertEquals(record.id(), again.id());
            assertEquals(size, Files.size(logFile()));
            assertEquals(1, store.count(Fixtures.SITE));
        }
    }

    @Test
    void refusedRecordsNeverReachTheDisk() throws IOException {
        CommentRecord good = comment(alice, page("/"), "fine", NOW);
        Map<String, Object> forged = fields(good);
        forged.put("body", "changed".getBytes());
        List<CommentRecord> bad = List.of(
                CommentRecord.decode(Fixtures.withWork(forged)),                       // forged
                comment(alice, page("/"), "from the future", NOW + 3600),              // out of window
                comment(alice, page("/"), "from 2024", Limits.EPOCH_SECONDS - 86_400)); // before the epoch
        try (CommentStore store = open()) {
            List<CommentStore.Outcome> outcomes = store.addAll(bad, NOW);
            assertEquals(List.of(Refusal.BAD_SIGNATURE, Refusal.OUT_OF_WINDOW, Refusal.OUT_OF_WINDOW),
                    outcomes.stream().map(CommentStore.Outcome::refusal).toList());
            assertEquals(0, store.count(Fixtures.SITE));
        }
        assertEquals(0, Files.size(logFile()), "not even the site is named on disk");
    }

    @Test
    void anAuthorMayWriteOnlySoManyRecordsAnHourAndInAll() throws IOException {
        Limits.Holding limits = new Limits.Holding(3, 5, 1000, 1 << 20);
        long hour = Math.floorDiv(NOW, 3600) * 3600;
        try (CommentStore store = open(limits, Set.of())) {
            for (int i = 0; i < 3; i++) {
                assertTrue(store.add(comment(alice, page("/"), "n" + i, hour + i), NOW).added());
            }
            assertEquals(Refusal.RATE_LIMITED, store.add(comment(alice, page("/"), "one more", hour + 100), NOW).refusal());
            assertTrue(store.add(comment(bob, page("/"), "someone else", hour + 100), NOW).added(), "the limit is per author");
            assertTrue(store.add(comment(alice, page("/"), "an hour earlier", hour - 1), NOW).added(), "and per clock hour");
            Signer site = signer();
            assertTrue(store.add(Draft.link(page("/"), Fixtures.keyPage(site, "/x"), "", hour).seal(site), NOW).added());
            assertTrue(store.add(comment(alice, page("/"), "two hours earlier", hour - 3601), NOW).added());
            assertEquals(Refusal.AUTHOR_LIMIT, store.add(comment(alice, page("/"), "sixth", hour - 7300), NOW).refusal());
            CommentRecord otherSite = comment(alice, Fixtures.keyPage(site, "/"), "elsewhere", hour);
            assertTrue(store.add(otherSite, NOW).added(), "and per site");
        }
    }

    @Test
    void linksAreCountedButNotRateLimited() throws IOException {
        Limits.Holding limits = new Limits.Holding(1, 3, 1000, 1 << 20);
        Signer site = signer();
        try (CommentStore store = open(limits, Set.of())) {
            for (int i = 0; i < 3; i++) {
                assertTrue(store.add(Draft.link(page("/p" + i), Fixtures.keyPage(site, "/"), "", NOW).seal(site), NOW).added());
            }
            assertEquals(Refusal.AUTHOR_LIMIT, store.add(Draft.link(page("/p9"), Fixtures.keyPage(site, "/"), "", NOW).seal(site), NOW).refusal());
        }
    }

    @Test
    void aFullSiteDropsItsOldestRecordsAndRefusesOlderOnes() throws IOException {
        Limits.Holding limits = new Limits.Holding(100, 100, 10, 1 << 20);
        List<CommentRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(comment(Fixtures.signer(), page("/"), "record " + i, NOW - 1000 + i * 10));
        }
        try (CommentStore store = open(limits, Set.of())) {
            store.addAll(records, NOW).forEach(o -> assertTrue(o.added()));
            CommentRecord newer = comment(alice, page("/"), "newest", NOW);
            assertTrue(store.add(newer, NOW).added());
            assertTrue(store.count(Fixtures.SITE) <= 10);
            assertTrue(store.get(Fixtures.SITE, records.get(0).id()).isEmpty(), "the oldest went");
            assertTrue(store.get(Fixtures.SITE, newer.id()).isPresent());
            assertEquals(Refusal.SITE_FULL, store.add(records.get(0), NOW).refusal(), "a dropped record does not come back");
            assertEquals(Refusal.SITE_FULL, store.add(comment(bob, page("/"), "old", NOW - 5000), NOW).refusal());
        }
        try (CommentStore store = open(limits, Set.of())) {
            assertEquals(Refusal.SITE_FULL, store.add(records.get(0), NOW).refusal(), "not after a restart either");
        }
    }

    @Test
    void recordsTheOwnerKeepsSurviveAFullSite() throws IOException {
        Signer owner = signer();
        SiteAddress site = SiteAddress.publicKey(owner.publicKey());
        Limits.Holding limits = new Limits.Holding(100, 100, 4, 1 << 20);
        CommentRecord oldest = comment(alice, Fixtures.keyPage(owner, "/"), "worth keeping", NOW - 1000);
        try (CommentStore store = open(limits, Set.of())) {
            assertTrue(store.add(oldest, NOW).added());
            store.offerModeration(ModerationList.empty(site).keep(oldest.id(), true).signNext(owner, NOW));
            for (int i = 0; i < 8; i++) {
                assertTrue(store.add(comment(signer(), Fixtures.keyPage(owner, "/"), "n" + i, NOW - 500 + i), NOW).added());
            }
            assertTrue(store.get(site, oldest.id()).isPresent());
            assertTrue(store.count(site) <= 4, "at most the cap");
        }
    }

    @Test
    void theOwnersListHidesRecordsOnEveryHolderAndKeepsThemOnTheOwnersOwn() throws IOException {
        Signer owner = signer();
        SiteAddress site = SiteAddress.publicKey(owner.publicKey());
        CommentRecord spam = comment(alice, Fixtures.keyPage(owner, "/"), "buy now", NOW);
        CommentRecord fine = comment(bob, Fixtures.keyPage(owner, "/"), "nice", NOW);
        CommentRecord alsoAlice = comment(alice, Fixtures.keyPage(owner, "/other.html"), "more", NOW);
        ModerationList list = ModerationList.empty(site).hide(spam.id(), true).signNext(owner, NOW);
        ModerationList decoded = ModerationList.decode(list.encode());
        Path holder = temp.resolve("holder");
        Path ownerDir = temp.resolve("owner");
        try (CommentStore store = CommentStore.open(holder, s -> false);
             CommentStore own = CommentStore.open(ownerDir, site::equals)) {
            for (CommentStore s : List.of(store, own)) {
                s.addAll(List.of(spam, fine), NOW);
                s.offerModeration(decoded);
            }
            assertTrue(store.get(site, spam.id()).isEmpty(), "a holder drops what the owner hid");
            assertEquals(Refusal.HIDDEN, store.add(spam, NOW).refusal(), "and refuses it afterwards");
            assertTrue(own.get(site, spam.id()).isPresent(), "the owner's engine keeps it");
            assertTrue(own.hidden(site, spam.id(), spam.author()));
            assertEquals(1, own.digest(site, null).values().stream().mapToLong(d -> d[0]).sum(), "but does not serve it");
            assertEquals(List.of(fine), own.servable(site, null, own.digest(site, null).keySet()));

            ModerationList authorHidden = list.hideAuthor(Bytes32.of(alice.publicKey()), true)
                    .signNext(owner, NOW + 1);
            store.offerModeration(ModerationList.decode(authorHidden.encode()));
            assertEquals(Refusal.HIDDEN, store.add(alsoAlice, NOW).refusal(), "a hidden author's other records too");
            assertEquals(Refusal.STALE, assertThrows(RecordException.class, () -> store.offerModeration(decoded)).reason());
        }
        try (CommentStore store = CommentStore.open(holder, s -> false)) {
            assertEquals(2, store.moderation(site).orElseThrow().seq(), "the list outlives a restart");
            assertTrue(store.get(site, fine.id()).isPresent());
        }
    }

    @Test
    void onlyTheSitesKeySignsItsModerationList() {
        Signer owner = signer();
        SiteAddress site = SiteAddress.publicKey(owner.publicKey());
        ModerationList list = ModerationList.empty(site).hide(Bytes32.of(new byte[32]), true);
        assertEquals(Refusal.BAD_SIGNATURE, assertThrows(RecordException.class, () -> list.signNext(alice, NOW)).reason());
        ModerationList signed = list.signNext(owner, NOW);
        byte[] bytes = signed.encode();
        byte[] tampered = bytes.clone();
        tampered[bytes.length / 2] ^= 1;
        assertThrows(RecordException.class, () -> ModerationList.decode(tampered));
        assertEquals(signed, ModerationList.decode(bytes));
        assertThrows(RecordException.class, () -> ModerationList.empty(Fixtures.SITE), "an immutable site has no owner");
    }

    @Test
    void aCutOrDamagedEndOfTheLogLosesOnlyTheLastWrite() throws IOException {
        CommentRecord first = comment(alice, page("/"), "first", NOW);
        CommentRecord second = comment(bob, page("/"), "second", NOW);
        try (CommentStore store = open()) {
            store.add(first, NOW);
        }
        long afterFirst = Files.size(logFile());
        assertTrue(afterFirst > 0);
        try (CommentStore store = open()) {
            store.add(second, NOW);
        }
        // a crash in the middle of the second write (bob's key, then his record): cut it short
        long cut = Files.size(logFile()) - 7;
        try (FileChannel channel = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            channel.truncate(cut);
        }
        try (CommentStore store = open()) {
            assertTrue(store.get(Fixtures.SITE, first.id()).isPresent());
            assertTrue(store.get(Fixtures.SITE, second.id()).isEmpty());
            long size = Files.size(logFile());
            assertTrue(size > afterFirst && size < cut, "the broken record is cut, the whole frame before it kept: " + size);
            assertTrue(store.add(second, NOW).added(), "and the log takes new records after it");
        }
        // garbage after the last frame, as a torn sector might leave
        Files.write(logFile(), new byte[] {'R', 5, 1, 2, 3, 4, 5, 9, 9, 9, 9}, StandardOpenOption.APPEND);
        try (CommentStore store = open()) {
            assertEquals(2, store.count(Fixtures.SITE));
        }
        // a flipped bit inside the second frame: it fails its checksum and is cut with what follows
        byte[] log = Files.readAllBytes(logFile());
        log[log.length - 20] ^= 0x10;
        Files.write(logFile(), log);
        try (CommentStore store = open()) {
            assertEquals(1, store.count(Fixtures.SITE));
            assertTrue(store.get(Fixtures.SITE, first.id()).isPresent());
        }
    }

    @Test
    void aForgottenSiteLeavesNothingOnDisk() throws IOException {
        Signer owner = signer();
        SiteAddress keySite = SiteAddress.publicKey(owner.publicKey());
        CommentRecord kept = comment(alice, page("/"), "on another site", NOW);
        try (CommentStore store = open()) {
            store.add(kept, NOW);
            store.add(comment(alice, Fixtures.keyPage(owner, "/secret-page.html"), "private", NOW), NOW);
            store.offerModeration(ModerationList.empty(keySite).hide(kept.id(), true).signNext(owner, NOW));
            store.forget(keySite);
            assertEquals(0, store.count(keySite));
            assertEquals(1, store.count(Fixtures.SITE));
        }
        byte[] log = Files.readAllBytes(logFile());
        assertFalse(contains(log, owner.publicKey()), "the site's key is gone from the log");
        assertFalse(contains(log, "secret-page".getBytes()), "and so are its pages");
        try (var files = Files.list(temp.resolve("comments/moderation"))) {
            assertEquals(0, files.count());
        }
        try (CommentStore store = open()) {
            assertTrue(store.get(Fixtures.SITE, kept.id()).isPresent(), "other sites' records stay");
        }
    }

    @Test
    void theLogIsRewrittenWhenMostOfItIsDropped() throws IOException {
        Limits.Holding limits = new Limits.Holding(2000, 2000, 5000, 64L << 20);
        Signer owner = signer();
        SiteAddress site = SiteAddress.publicKey(owner.publicKey());
        List<CommentRecord> spam = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            spam.add(comment(alice, Fixtures.keyPage(owner, "/"), "x".repeat(3000) + i, NOW - i));
        }
        try (CommentStore store = open(limits, Set.of())) {
            store.addAll(spam, NOW);
            CommentRecord fine = comment(bob, Fixtures.keyPage(owner, "/"), "fine", NOW);
            store.add(fine, NOW);
            long before = Files.size(logFile());
            store.offerModeration(ModerationList.empty(site).hideAuthor(Bytes32.of(alice.publicKey()), true).signNext(owner, NOW));
            assertTrue(Files.size(logFile()) < before / 100, Files.size(logFile()) + " bytes left of " + before);
            assertEquals(0, store.stats().deadBytes());
            assertArrayEquals(fine.encode(), store.get(site, fine.id()).orElseThrow().encode(), "offsets follow the rewrite");
        }
    }

    @Test
    void theDigestAndServableRecordsFollowDays() throws IOException {
        try (CommentStore store = open()) {
            CommentRecord today = comment(alice, page("/"), "today", NOW);
            CommentRecord yesterday = comment(alice, page("/a.html"), "yesterday", NOW - 86_400);
            store.addLocal(today, NOW);
            store.add(yesterday, NOW);
            Map<Long, long[]> digest = store.digest(Fixtures.SITE, null);
            assertEquals(2, digest.size());
            long day = Math.floorDiv(NOW, 86_400);
            assertEquals(1, digest.get(day)[0]);
            assertEquals(today.id().word(0), digest.get(day)[1]);
            assertEquals(List.of(yesterday), store.servable(Fixtures.SITE, null, List.of(day - 1)));
            assertEquals(1, store.digest(Fixtures.SITE, "/a.html").size());
            assertEquals(List.of(today), store.local(Fixtures.SITE, 0, 10), "what this machine wrote, to hand to new peers");
            assertEquals(List.of(), store.local(Fixtures.SITE, NOW + 1, 10));
            assertEquals(List.of(Fixtures.SITE), store.sitesWithLocal(0));
            assertNull(store.digest(SiteAddress.infohash(new byte[20]), null).get(day));
        }
        try (CommentStore store = open()) {
            assertEquals(1, store.local(Fixtures.SITE, 0, 10).size(), "which records this machine wrote outlives a restart");
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
