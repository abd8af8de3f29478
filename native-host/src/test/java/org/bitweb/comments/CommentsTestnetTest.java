package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.site.Publisher;
import org.bitweb.testing.Await;
import org.bitweb.testing.TestnetEngineTest;
import org.bitweb.updates.Publishing;
import org.bitweb.updates.UpdatableSiteTestnetTest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Comments between engines that find each other through the DHT testnet (docs/DHT.md), as people
 * meet them: publisher A with an updatable site, commenter B, reader C who never talks to B, the
 * owner's moderation reaching C, a cold reader D who finds the comments through the site's DHT
 * topic, and automatic backlinks between two published sites. Times are logged as
 * {@code figure:} lines (the figures of record come from bench/comments.sh network).
 */
class CommentsTestnetTest extends TestnetEngineTest {
    private static final Logger log = LoggerFactory.getLogger(CommentsTestnetTest.class);
    private static final Duration FETCH = Duration.ofSeconds(60);
    private static final Duration ARRIVE = Duration.ofSeconds(30);

    private Path site(String name, String html) throws IOException {
        Path folder = Files.createDirectories(temp.resolve("folders").resolve(name));
        Files.writeString(folder.resolve("index.html"), html);
        Files.writeString(folder.resolve("about.html"), "<h1>About</h1>");
        return folder;
    }

    private static InetAddress addressOf(Engine engine) {
        return engine.dht().orElseThrow().localAddress().getAddress();
    }

    private static List<Bytes32> shown(Engine engine, Page page) {
        try {
            return engine.comments().comments().list(page, 0, 50).items().stream().map(Listing.Item::id).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aReaderWhoNeverTalkedToTheCommenterSeesTheCommentAndTheOwnersModeration() throws Exception {
        Engine a = testnet.engine("a");
        Publishing.Published published = a.keySites().publish(site("blog", "<h1>Blog</h1>"), "blog", new byte[0], Publisher.Progress.NONE);
        SiteAddress site = SiteAddress.parseHostPart(published.site().address());
        Page page = Page.root(site);

        Engine b = testnet.engine("b");
        UpdatableSiteTestnetTest.getReady(b, site, "/", FETCH);
        Await.until("B speaks comments with A", ARRIVE, () -> b.comments().exchange().peersOf(site) > 0);
        CommentRecord kind = b.comments().comments().post(page, "A fine blog.", null, () -> false).orElseThrow();
        long t0 = System.nanoTime();
        CommentRecord spam = b.comments().comments().post(page, "CHEAP PILLS http://example.com/", null, () -> false).orElseThrow();
        Await.until("both comments reach A", ARRIVE, () -> a.comments().comments().store().count(site) == 2);
        log.info("figure: a visitor's comment reaches the publisher in {} ms", millis(t0));

        Engine c = testnet.engine("c");
        UpdatableSiteTestnetTest.getReady(c, site, "/", FETCH);
        CommentNetwork.Refresh refresh = c.comments().refresh(page, Duration.ofSeconds(20));
        assertTrue(refresh.answered() >= 1, "A answered C: " + refresh);
        assertEquals(java.util.Set.of(kind.id(), spam.id()), java.util.Set.copyOf(shown(c, page)));
        assertFalse(c.comments().exchange().peerAddresses(site).contains(addressOf(b)), "C never talked to B");
        assertTrue(c.comments().exchange().peerAddresses(site).contains(addressOf(a)));

        // A hides the spam: the signed list reaches C over the same connection, and C drops it
        long t1 = System.nanoTime();
        a.comments().comments().moderate(site, Comments.Action.HIDE, spam.id());
        Await.until("C applies A's list", ARRIVE, () -> c.comments().comments().store().count(site) == 1);
        log.info("figure: the owner's moderation reaches a connected reader in {} ms", millis(t1));
        assertEquals(List.of(kind.id()), shown(c, page));
        ModerationList list = c.comments().comments().store().moderation(site).orElseThrow();
        assertTrue(list.hides(spam.id(), spam.author()));
        assertEquals(Refusal.HIDDEN, c.comments().comments().store().add(spam, Comments.now()).refusal(), "and refuses it again");
        assertTrue(a.comments().comments().list(page, 0, 50).items().stream().anyMatch(i -> i.id().equals(spam.id()) && i.hidden()),
                "the owner still has it, marked hidden");

        // B comments again while C is connected to A: it travels B -> A -> C
        CommentRecord live = b.comments().comments().post(page, "One more thing.", kind.id(), () -> false).orElseThrow();
        long t2 = System.nanoTime();
        Await.until("B's reply reaches C through A", ARRIVE, () -> shown(c, page).contains(live.id()));
        log.info("figure: a comment posted by B reaches reader C (connected to the publisher) in {} ms", millis(t2));

        // D has never visited the site: the site's comment topic in the DHT leads it to A
        Engine d = testnet.engine("d");
        long t3 = System.nanoTime();
        CommentNetwork.Refresh cold = d.comments().refresh(page, Duration.ofSeconds(30));
        log.info("figure: a cold reader has the comments through the DHT in {} ms ({})", millis(t3), cold);
        assertTrue(cold.answered() >= 1, "someone answered D: " + cold);
        assertEquals(java.util.Set.of(kind.id(), live.id()), java.util.Set.copyOf(shown(d, page)));
        assertEquals(1, d.comments().comments().store().moderation(site).orElseThrow().seq(), "with the owner's list");
    }

    @Test
    void aPublishedSiteLinksBecomeLinkedFromOnTheSitesItLinksTo() throws Exception {
        Engine a = testnet.engine("target");
        Publishing.Published target = a.keySites().publish(site("target", "<h1>Target</h1>"), "target", new byte[0], Publisher.Progress.NONE);
        SiteAddress targetSite = SiteAddress.parseHostPart(target.site().address());

        Engine e = testnet.engine("source");
        Path folder = site("source", "<p>Read <a href=\"http://" + targetSite.host() + "/\">this fine site</a> and its "
                + "<a href='http://" + targetSite.host() + "/about.html'>about page</a>.</p>");
        Publishing.Published source = e.keySites().publish(folder, "source", new byte[0], Publisher.Progress.NONE);
        SiteAddress sourceSite = SiteAddress.parseHostPart(source.site().address());
        long t0 = System.nanoTime();
        List<CommentRecord> made = e.comments().published(sourceSite, "source", folder).get(60, TimeUnit.SECONDS);
        assertEquals(2, made.size());
        Await.until("the links reach the target's publisher", Duration.ofSeconds(60),
                () -> a.comments().comments().store().count(targetSite) == 2);
        log.info("figure: a published site's links reach the linked site's holder in {} ms", millis(t0));

        Listing root = a.comments().comments().list(Page.root(targetSite), 0, 50);
        assertEquals(0, root.total(), "links are not comments");
        assertEquals(1, root.linkedFromTotal());
        Listing.Item link = root.linkedFrom().get(0);
        assertEquals(Kind.LINK, link.record().kind());
        assertEquals(Page.root(sourceSite), link.record().from());
        assertEquals("this fine site", link.record().body());
        assertEquals(1, a.comments().comments().list(new Page(targetSite, "/about.html"), 0, 50).linkedFromTotal());
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
