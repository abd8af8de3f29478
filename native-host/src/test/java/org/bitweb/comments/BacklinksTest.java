package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which links of a published site's HTML become automatic backlinks. */
class BacklinksTest {
    @TempDir
    Path temp;

    private final Signer self = Fixtures.signer();
    private final SiteAddress site = SiteAddress.publicKey(self.publicKey());
    private final String other = Fixtures.SITE.label();
    private final String otherKey = SiteAddress.publicKey(Fixtures.signer().publicKey()).label();

    @Test
    void linksToOtherBitwebSitesAreFoundWithTheirText() throws IOException {
        Path data = Files.createDirectories(temp.resolve("site"));
        Files.createDirectories(data.resolve("about"));
        Files.writeString(data.resolve("index.html"), """
                <p>See <a class="x" href="http://%s.bitweb/post.html?ref=1#top">this <b>great</b> &amp; long post</a>
                and <A HREF='http://%s.bitweb.localhost:47800/caf%%C3%%A9/'>a caf&eacute;</A>,
                <a href=web+bitweb://%s/>a key site</a>, <a href="https://example.com/">the web</a>,
                <a href="/local.html">here</a>, <a href="http://%s.bitweb/">myself</a>,
                <a href="http://%s.bitweb/post.html">the same again</a>.</p>
                """.formatted(other, other, otherKey, site.label(), other));
        Files.writeString(data.resolve("about/index.html"), "<a href=\"http://" + other + ".bitweb/\">home of another</a>");
        Files.writeString(data.resolve("style.css"), "a { background: url(http://" + other + ".bitweb/x.png) }");
        List<Backlinks.Link> links = Backlinks.of(site, data);
        assertEquals(List.of(
                "/about/ -> http://" + other + ".bitweb/ : home of another",
                "/ -> http://" + other + ".bitweb/post.html : this great & long post",
                "/ -> http://" + other + ".bitweb/caf%C3%A9/ : a caf&eacute;",
                "/ -> http://" + otherKey + ".bitweb/ : a key site"),
                links.stream().map(l -> l.from().path() + " -> " + l.target().url() + " : " + l.text()).toList());
        links.forEach(l -> assertEquals(site, l.from().site()));
    }

    @Test
    void onlyBitwebUrlsAreTargets() {
        assertNull(Backlinks.target("https://example.com/"));
        assertNull(Backlinks.target("http://example.bitweb.evil.com/"));
        assertNull(Backlinks.target("javascript:alert(1)"));
        assertNull(Backlinks.target("http://nothex.bitweb/"));
        assertEquals("/", Backlinks.target("magnet:?xt=urn:btih:" + Fixtures.SITE.hex()).path());
        assertEquals("/a.html", Backlinks.target("https://" + other + ".bitweb/a.html").path());
        assertEquals("/x/", Backlinks.target("web+bitweb:" + other + "/x/").path());
        assertNull(Backlinks.target("web+bitweb:not a site"));
    }

    @Test
    void linkTextIsPlainTextWithinTheRules() {
        assertEquals("a b", Backlinks.text("a<script>x</script>b".replace("x", "")));
        assertEquals("evil", Backlinks.text("\u202Eevil\u0000"));
        assertEquals(Backlinks.MAX_TEXT, Backlinks.text("x".repeat(500)).codePointCount(0, Backlinks.MAX_TEXT));
        assertTrue(Backlinks.text("x".repeat(500)).endsWith("…"));
    }

    @Test
    void aPublishMakesAtMostMaxLinks() throws IOException {
        Path data = Files.createDirectories(temp.resolve("many"));
        StringBuilder html = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            html.append("<a href=\"http://").append(other).append(".bitweb/p").append(i).append(".html\">").append(i).append("</a>");
        }
        Files.writeString(data.resolve("index.html"), html);
        assertEquals(Backlinks.MAX_LINKS, Backlinks.of(site, data).size());
    }

    @Test
    void publishedLinksAreSignedBySiteKeyAndHeldOnce() throws IOException {
        Path data = Files.createDirectories(temp.resolve("pub"));
        Files.writeString(data.resolve("index.html"), "<a href=\"http://" + other + ".bitweb/\">x</a>");
        try (Comments comments = Comments.open(temp.resolve("c"), s -> java.util.Optional.empty())) {
            List<Backlinks.Link> links = Backlinks.of(site, data);
            List<CommentRecord> made = comments.links(self, links, () -> false);
            assertEquals(1, made.size());
            assertEquals(Kind.LINK, made.get(0).kind());
            assertEquals(Bytes32.of(self.publicKey()), made.get(0).author());
            assertEquals(List.of(), comments.links(self, links, () -> false), "publishing again makes nothing new");
            assertEquals(1, comments.list(Page.root(Fixtures.SITE), 0, 10).linkedFromTotal());
        }
    }
}
