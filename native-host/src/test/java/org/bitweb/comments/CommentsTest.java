package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.keys.KeyException;
import org.bitweb.keys.KeyRing;
import org.bitweb.keys.SiteKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.bitweb.comments.Fixtures.NOW;
import static org.bitweb.comments.Fixtures.page;
import static org.bitweb.comments.Fixtures.signer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Posting, reading threads, moderating and muting as a reader and a site owner meet them. */
class CommentsTest {
    @TempDir
    Path temp;

    private Comments open(String name, KeyRing ring) throws IOException {
        return Comments.open(temp.resolve(name), site -> ring.find(site.bytes()).map(Signer::of));
    }

    private Comments open(String name) throws IOException {
        return open(name, new KeyRing(temp.resolve(name + "-keys")));
    }

    @Test
    void theFirstPostMakesTheReaderKeyOwnerOnlyAndShowsInTheListing() throws IOException {
        try (Comments comments = open("reader")) {
            assertFalse(comments.identity().exists());
            comments.identity().update("Ada", null);
            Page page = page("/post.html");
            CommentRecord record = comments.post(page, "  Nice post.\r\n\r\nReally.  ", null, () -> false).orElseThrow();
            assertEquals("Nice post.\n\nReally.", record.body());
            assertEquals("Ada", record.name());
            assertTrue(comments.identity().exists());
            Path key = temp.resolve("reader/identity/reader.key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
            Listing listing = comments.list(page, 0, 50);
            assertEquals(1, listing.total());
            assertTrue(listing.items().get(0).mine());
            assertEquals(1, comments.count(page));
            assertEquals(0, comments.count(page("/other.html")));
        }
    }

    @Test
    void threadsComeNewestActivityFirstWithRepliesOldestFirstAndArePaged() throws IOException {
        try (Comments comments = open("reader")) {
            Page page = page("/");
            Signer a = signer();
            Signer b = signer();
            CommentRecord old = Fixtures.comment(a, page, "old thread", NOW - 3000);
            CommentRecord recent = Fixtures.comment(a, page, "recent thread", NOW - 1000);
            CommentRecord reply1 = Fixtures.reply(b, old, "late reply", NOW - 10);
            CommentRecord reply2 = Fixtures.reply(a, old, "early reply", NOW - 2000);
            CommentRecord nested = Fixtures.reply(b, reply2, "nested", NOW - 1500);
            CommentRecord orphan = Draft.reply(page, Bytes32.of(new byte[32]), "parent not here", NOW - 500).seal(b);
            CommentRecord elsewhere = Fixtures.comment(a, page("/x.html"), "other page", NOW);
            comments.receive(List.of(old, recent, reply1, reply2, nested, orphan, elsewhere));

            Listing listing = comments.list(page, 0, 50);
            assertEquals(List.of("old thread", "early reply", "nested", "late reply", "parent not here", "recent thread"),
                    listing.items().stream().map(i -> i.record().body()).toList());
            assertEquals(List.of(0, 1, 2, 1, 0, 0), listing.items().stream().map(Listing.Item::depth).toList());
            assertEquals(3, listing.threads());
            assertEquals(6, listing.total());

            Listing first = comments.list(page, 0, 4);
            Listing second = comments.list(page, 1, 4);
            assertEquals(2, first.pages());
            assertEquals(4, first.items().size());
            assertEquals(List.of("parent not here", "recent thread"), second.items().stream().map(i -> i.record().body()).toList());
            assertTrue(comments.list(page, 5, 4).items().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> comments.list(page, 0, 0));
        }
    }

    @Test
    void responsesAndLinksAreListedApartAsLinkedFrom() throws IOException {
        try (Comments comments = open("reader")) {
            Page page = page("/");
            Signer site = signer();
            CommentRecord link = Draft.link(page, Fixtures.keyPage(site, "/blog/"), "a good read", NOW - 5).seal(site);
            comments.receive(List.of(link, Fixtures.comment(signer(), page, "a comment", NOW)));
            Page answer = Fixtures.keyPage(signer(), "/answer.html");
            comments.respond(page, answer, "My answer", () -> false).orElseThrow();
            Listing listing = comments.list(page, 0, 50);
            assertEquals(1, listing.total());
            assertEquals(2, listing.linkedFromTotal());
            assertEquals(List.of(answer, link.from()), listing.linkedFrom().stream().map(i -> i.record().from()).toList());
            assertEquals(1, comments.count(page), "the badge counts comments");
        }
    }

    @Test
    void aReplyNeedsAHeldCommentOfTheSamePage() throws IOException {
        try (Comments comments = open("reader")) {
            CommentRecord parent = comments.post(page("/a.html"), "question", null, () -> false).orElseThrow();
            assertEquals(Refusal.BAD_KIND, assertThrows(RecordException.class,
                    () -> comments.post(page("/b.html"), "answer", parent.id(), () -> false)).reason());
            assertThrows(RecordException.class, () -> comments.post(page("/a.html"), "answer", Bytes32.of(new byte[32]), () -> false));
            CommentRecord reply = comments.post(page("/a.html"), "answer", parent.id(), () -> false).orElseThrow();
            assertEquals(parent.id(), reply.parent());
            assertEquals(Kind.REPLY, reply.kind());
        }
    }

    @Test
    void stoppingThePostWritesNothing() throws IOException {
        try (Comments comments = open("reader")) {
            assertEquals(Optional.empty(), comments.post(page("/"), "never mind", null, () -> true));
            assertEquals(0, comments.store().count(Fixtures.SITE));
        }
    }

    @Test
    void theOwnerHidesAndUnhidesAndEveryChangeGoesToThePeers() throws IOException {
        KeyRing ring = new KeyRing(temp.resolve("owner-keys"));
        SiteKey key = ring.create("blog");
        SiteAddress site = key.address();
        Page page = new Page(site, "/");
        try (Comments owner = open("owner", ring); Comments other = open("other")) {
            List<Comments.Change> changes = new ArrayList<>();
            owner.onChange(changes::add);
            CommentRecord spam = Fixtures.comment(signer(), page, "spam", NOW);
            owner.receive(List.of(spam));
            other.receive(List.of(spam));
            ModerationList list = owner.moderate(site, Comments.Action.HIDE, spam.id());
            assertTrue(owner.list(page, 0, 50).items().get(0).hidden(), "the owner still sees it, marked");
            assertEquals(0, owner.count(page));
            assertTrue(other.receive(ModerationList.decode(list.encode())));
            assertEquals(0, other.list(page, 0, 50).total(), "a holder drops it");
            assertFalse(other.receive(list), "the same list again is not news");

            ModerationList unhidden = owner.moderate(site, Comments.Action.UNHIDE, spam.id());
            assertEquals(2, unhidden.seq());
            Comments.Change last = changes.get(changes.size() - 1);
            assertEquals(List.of(spam), last.records(), "the record goes out again with the list");
            other.receive(last.moderation());
            other.receive(last.records());
            assertEquals(1, other.list(page, 0, 50).total());

            assertEquals(Refusal.BAD_SIGNATURE, assertThrows(RecordException.class,
                    () -> other.moderate(site, Comments.Action.HIDE, spam.id())).reason(), "only the owner moderates");
            assertEquals(Refusal.BAD_TARGET, assertThrows(RecordException.class,
                    () -> owner.moderate(Fixtures.SITE, Comments.Action.HIDE, spam.id())).reason());
            assertTrue(owner.owns(site));
            assertFalse(other.owns(site));
        }
    }

    @Test
    void aReaderMutesForThemselvesOnly() throws IOException {
        try (Comments comments = open("reader")) {
            Page page = page("/");
            Signer troll = signer();
            CommentRecord a = Fixtures.comment(troll, page, "troll", NOW);
            CommentRecord b = Fixtures.comment(signer(), page, "fine", NOW);
            comments.receive(List.of(a, b));
            comments.mutes().author(a.author(), true);
            assertEquals(1, comments.count(page));
            assertTrue(comments.list(page, 0, 50).items().stream().filter(i -> i.id().equals(a.id())).findFirst().orElseThrow().muted());
        }
        try (Comments comments = open("reader")) {
            assertTrue(comments.mutes().mutesAuthor(comments.store().get(Fixtures.SITE,
                    comments.list(page("/"), 0, 50).items().stream().filter(Listing.Item::muted).findFirst().orElseThrow().id())
                    .orElseThrow().author()), "mutes outlive a restart");
        }
    }

    @Test
    void theReaderKeyExportsImportsAndDerivesUnlinkablePerSiteKeys() throws IOException {
        ReaderIdentity one = ReaderIdentity.open(temp.resolve("one"));
        ReaderIdentity two = ReaderIdentity.open(temp.resolve("two"));
        String export = one.export();
        assertTrue(export.startsWith("-----BEGIN BITWEB READER KEY-----"), export);
        Bytes32 key = one.publicKey();
        assertEquals(key, two.importKey(export, false, "paste"));
        assertEquals(key, two.publicKey());
        SiteAddress site = Fixtures.SITE;
        assertEquals(key, Bytes32.of(two.signerFor(site).publicKey()));
        two.update(null, true);
        Bytes32 perSite = Bytes32.of(two.signerFor(site).publicKey());
        assertNotEquals(key, perSite);
        one.update(null, true);
        assertEquals(perSite, Bytes32.of(one.signerFor(site).publicKey()), "the export covers per-site keys");
        assertNotEquals(perSite, Bytes32.of(one.signerFor(SiteAddress.infohash(new byte[20])).publicKey()));
        assertTrue(two.keysFor(site).containsAll(List.of(key, perSite)));

        ReaderIdentity three = ReaderIdentity.open(temp.resolve("three"));
        Bytes32 own = three.publicKey();
        assertThrows(KeyException.class, () -> three.importKey(export, false, "paste"), "an existing key is not replaced silently");
        assertEquals(own, three.publicKey());
        assertEquals(key, three.importKey(export, true, "paste"));
        try (var files = Files.list(temp.resolve("three"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".old")), "the replaced key is kept aside");
        }
        String damaged = export.replace(export.substring(export.indexOf("\n\n") + 2, export.indexOf("\n\n") + 6), "AAAA");
        assertThrows(KeyException.class, () -> ReaderIdentity.open(temp.resolve("four")).importKey(damaged, false, "paste"));
        assertThrows(RecordException.class, () -> one.update("two\nlines", null));
        assertEquals("Ada", one.update(" Ada ", null).name());
        assertEquals(null, one.update("", null).name());
    }
}
