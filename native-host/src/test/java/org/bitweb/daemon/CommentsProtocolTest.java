package org.bitweb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.SiteAddress;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.keys.SiteKey;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comments and identity actions of the protocol against a real engine (docs/PROTOCOL.md, docs/COMMENTS.md). */
@Timeout(60)
class CommentsProtocolTest {
    @TempDir
    Path temp;
    private EngineDaemon daemon;
    private EngineClient client;
    private String url;

    @BeforeEach
    void start() throws Exception {
        StateDir state = new StateDir(temp.resolve("home"));
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
        Path site = Files.createDirectories(temp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        url = client.request("site.publish", Json.object().put("path", site.toString())).path("url").asText();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private JsonNode post(String page, String body) throws Exception {
        return client.request("comments.post", Json.object().put("url", page).put("body", body));
    }

    private JsonNode list(String page) throws Exception {
        return client.request("comments.list", Json.object().put("url", page));
    }

    private static ErrorCode code(Executable call) {
        return assertThrows(ProtocolException.class, call::run).code();
    }

    private interface Executable {
        void run() throws Exception;
    }

    @Test
    void aReaderPostsRepliesAndReadsThePageWithoutMakingAKeyToRead() throws Exception {
        JsonNode before = list(url);
        assertEquals(0, before.path("total").asInt());
        assertFalse(before.path("identity").path("exists").asBoolean(), "reading made no key");
        assertTrue(before.path("identity").path("publicKey").isNull());

        client.request("identity.set", Json.object().put("name", "Ada"));
        JsonNode posted = post(url + "index.html?x#y", "Hello <b>there</b>.");
        assertTrue(posted.path("id").asText().matches("[0-9a-f]{64}"), posted.toString());
        JsonNode reply = client.request("comments.post", Json.object().put("url", url).put("body", "Me again")
                .put("replyTo", posted.path("id").asText()));

        JsonNode listing = list(url);
        assertEquals(2, listing.path("total").asInt());
        assertEquals(url, listing.path("url").asText(), "index.html, query and fragment are the same page");
        JsonNode first = listing.path("comments").get(0);
        JsonNode second = listing.path("comments").get(1);
        assertEquals(posted.path("id").asText(), first.path("id").asText());
        assertEquals("comment", first.path("kind").asText());
        assertEquals("Hello <b>there</b>.", first.path("body").asText(), "text as written: the sidebar shows it as text");
        assertEquals("Ada", first.path("name").asText());
        assertTrue(first.path("mine").asBoolean());
        assertFalse(first.path("hidden").asBoolean());
        assertTrue(first.path("parent").isNull());
        assertEquals(reply.path("id").asText(), second.path("id").asText());
        assertEquals(posted.path("id").asText(), second.path("parent").asText());
        assertEquals(1, second.path("depth").asInt());
        assertTrue(listing.path("identity").path("exists").asBoolean());
        assertEquals(first.path("author").asText(), listing.path("identity").path("author").asText());
        assertEquals(2, client.request("comments.count", Json.object().put("url", url)).path("count").asInt());
        assertEquals(0, client.request("comments.count", Json.object().put("url", url + "other.html")).path("count").asInt());

        JsonNode refreshed = client.request("comments.list", Json.object().put("url", url).put("refresh", true).put("wait", 200));
        assertEquals(0, refreshed.path("swarm").path("asked").asInt(), "no peer to ask: " + refreshed.path("swarm"));
    }

    @Test
    void refusalsSayWhichRule() throws Exception {
        ProtocolException empty = assertThrows(ProtocolException.class, () -> post(url, "   "));
        assertEquals(ErrorCode.COMMENT_REFUSED, empty.code());
        assertTrue(empty.getMessage().startsWith("bad-kind"), empty.getMessage());
        ProtocolException rtl = assertThrows(ProtocolException.class, () -> post(url, "abc\u202Egpj.exe"));
        assertEquals(ErrorCode.COMMENT_REFUSED, rtl.code());
        assertTrue(rtl.getMessage().startsWith("bad-text"), rtl.getMessage());
        assertEquals(ErrorCode.COMMENT_REFUSED, code(() -> post(url, "x".repeat(4001))));
        assertEquals(ErrorCode.BAD_ADDRESS, code(() -> post("https://example.com/", "hi")));
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("comments.post", Json.object().put("url", url))));
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("comments.post", Json.object().put("url", url)
                .put("body", "x").put("replyTo", "not an id"))));
        assertEquals(ErrorCode.COMMENT_REFUSED, code(() -> client.request("comments.post", Json.object().put("url", url)
                .put("body", "x").put("replyTo", "ab".repeat(32)))), "a reply to nothing held");
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("comments.list", Json.object().put("url", url).put("pageSize", 0))));
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("comments.list", Json.object().put("url", url)
                .put("refresh", true).put("wait", 60_000))));
        assertEquals(0, list(url).path("total").asInt(), "nothing refused was kept");
    }

    @Test
    void theOwnerModeratesAReaderMutesAndOthersCannotModerate() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>blog</h1>");
        String blog = client.request("site.publish", Json.object().put("path", folder.toString()).put("key", "blog")).path("url").asText();
        String spam = post(blog, "spam").path("id").asText();
        String fine = post(blog, "fine").path("id").asText();
        assertTrue(list(blog).path("owner").asBoolean());

        JsonNode hidden = client.request("comments.moderate", Json.object().put("url", blog).put("change", "hide").put("record", spam));
        assertEquals(1, hidden.path("seq").asInt());
        JsonNode listing = list(blog);
        assertEquals(1, listing.path("moderation").path("seq").asInt());
        for (JsonNode item : listing.path("comments")) {
            assertEquals(item.path("id").asText().equals(spam), item.path("hidden").asBoolean(), item.toString());
        }
        assertEquals(1, client.request("comments.count", Json.object().put("url", blog)).path("count").asInt(), "hidden ones are not counted");
        client.request("comments.moderate", Json.object().put("url", blog).put("change", "unhide").put("record", spam));
        assertEquals(2, client.request("comments.count", Json.object().put("url", blog)).path("count").asInt());

        String author = listing.path("comments").get(0).path("author").asText();
        client.request("comments.mute", Json.object().put("author", author).put("muted", true));
        assertTrue(list(blog).path("comments").get(0).path("muted").asBoolean());
        assertEquals(0, client.request("comments.count", Json.object().put("url", blog)).path("count").asInt(), "muted ones neither");
        client.request("comments.mute", Json.object().put("author", author).put("muted", false));

        String someoneElses = SiteAddress.publicKey(SiteKey.generate("other").publicKey()).url();
        assertEquals(ErrorCode.NOT_OWNER, code(() -> client.request("comments.moderate", Json.object().put("url", someoneElses)
                .put("change", "hide").put("record", fine))));
        ProtocolException immutable = assertThrows(ProtocolException.class, () -> client.request("comments.moderate",
                Json.object().put("url", url).put("change", "hide").put("record", fine)));
        assertEquals(ErrorCode.COMMENT_REFUSED, immutable.code());
        assertTrue(immutable.getMessage().contains("immutable site has no key"), immutable.getMessage());
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("comments.moderate", Json.object().put("url", blog)
                .put("change", "delete").put("record", fine))));
    }

    @Test
    void theReaderKeyExportsAndAnotherImportsIt() throws Exception {
        String text = client.request("identity.export", Json.object()).path("text").asText();
        assertTrue(text.startsWith("-----BEGIN BITWEB READER KEY-----"), text);
        String key = client.request("identity.get", Json.object()).path("publicKey").asText();
        assertTrue(key.matches("[0-9a-f]{64}"));
        assertEquals(ErrorCode.BAD_REQUEST, code(() -> client.request("identity.import", Json.object().put("text", "junk"))));
        assertEquals(key, client.request("identity.import", Json.object().put("text", text)).path("publicKey").asText(),
                "the same key again is no change");
        JsonNode perSite = client.request("identity.set", Json.object().put("perSite", true));
        assertTrue(perSite.path("perSite").asBoolean());
        String author = post(url, "pseudonymous").path("author").asText();
        assertFalse(author.equals(key), "a key for this site only");
    }
}
