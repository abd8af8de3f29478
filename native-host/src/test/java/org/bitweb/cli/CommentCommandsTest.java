package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.address.SiteLink;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bitweb comment}, {@code bitweb comments} and {@code bitweb moderate} as a script drives
 * them, against two running engines on loopback: a publisher and a reader. (Moderation reaching
 * other engines needs an updatable site found through the DHT: CommentsTestnetTest.)
 */
@Timeout(120)
class CommentCommandsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;
    private EngineDaemon publisher;
    private EngineDaemon reader;
    private String publisherHome;
    private String readerHome;
    private String url;
    private String blog;

    @BeforeEach
    void start() throws Exception {
        publisherHome = temp.resolve("publisher").toString();
        readerHome = temp.resolve("reader").toString();
        publisher = EngineDaemon.start(new StateDir(Path.of(publisherHome)), new EngineOptions(0, 0, LOOPBACK));
        Path site = Files.createDirectories(temp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>a site</h1>");
        Path key = Files.createDirectories(temp.resolve("blog"));
        Files.writeString(key.resolve("index.html"), "<h1>a blog</h1>");
        try (EngineClient client = EngineClient.connect(new StateDir(Path.of(publisherHome)).socket())) {
            url = client.request("site.publish", Json.object().put("path", site.toString())).path("url").asText();
            blog = client.request("site.publish", Json.object().put("path", key.toString()).put("key", "blog")).path("url").asText();
        }
        reader = EngineDaemon.start(new StateDir(Path.of(readerHome)), new EngineOptions(0, 0, LOOPBACK));
        // the reader has visited the site: it is connected to its publisher
        reader.engine().fetch(SiteLink.parse(url).site(), List.of(new InetSocketAddress(LOOPBACK, publisher.engine().peerPort())),
                Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        reader.close();
        publisher.close();
    }

    private static JsonNode json(InProcess run) throws Exception {
        assertEquals(0, run.exit(), run.toString());
        return Json.MAPPER.readTree(run.out());
    }

    private static int count(String home, String page) {
        try {
            return json(InProcess.run("--home", home, "comments", page, "--json", "--wait", "0")).path("comments").size();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aScriptPostsRepliesAndListsWhatTheSwarmHolds() throws Exception {
        String id = json(InProcess.run("--home", readerHome, "comment", url, "First!", "--json")).path("id").asText();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        InProcess plain = InProcess.run("--home", readerHome, "comment", url, "Second.", "--reply-to", id);
        assertEquals(0, plain.exit(), plain.toString());
        String replyId = plain.out().strip();
        assertTrue(replyId.matches("[0-9a-f]{64}"), "without --json the id alone: " + plain);
        Await.until("the publisher holds both", Duration.ofSeconds(20), () -> count(publisherHome, url) == 2);

        // a third engine that never saw them asks the swarm first (the publisher)
        String thirdHome = temp.resolve("third").toString();
        try (EngineDaemon third = EngineDaemon.start(new StateDir(Path.of(thirdHome)), new EngineOptions(0, 0, LOOPBACK))) {
            third.engine().fetch(SiteLink.parse(url).site(), List.of(new InetSocketAddress(LOOPBACK, publisher.engine().peerPort())),
                    Duration.ofSeconds(20));
            JsonNode listed = json(InProcess.run("--home", thirdHome, "comments", url, "--json"));
            List<String> ids = new ArrayList<>();
            for (JsonNode item : listed.path("comments")) {
                ids.add(item.path("id").asText());
                for (String field : List.of("id", "kind", "author", "time", "body", "parent", "hidden")) {
                    assertTrue(item.has(field), field + " in " + item);
                }
            }
            assertEquals(List.of(id, replyId), ids, listed.toString());
            assertEquals(id, listed.path("comments").get(1).path("parent").asText());
            assertEquals(1, listed.path("swarm").path("answered").asInt(), listed.toString());
            InProcess text = InProcess.run("--home", thirdHome, "comments", url, "--wait", "0");
            assertTrue(text.out().contains("    First!") && text.out().contains("      Second."), text.toString());
        }

        InProcess empty = InProcess.run("--home", readerHome, "comment", url, "  ", "--json");
        assertEquals(1, empty.exit(), empty.toString());
        assertTrue(empty.out().contains("bad-kind"), "the rule is named: " + empty);
    }

    @Test
    void theOwnerModeratesAndNobodyElseCan() throws Exception {
        String spam = json(InProcess.run("--home", publisherHome, "comment", blog, "spam", "--json")).path("id").asText();
        json(InProcess.run("--home", publisherHome, "comment", blog, "fine", "--json"));
        assertEquals(1, json(InProcess.run("--home", publisherHome, "moderate", blog, "hide", spam, "--json")).path("seq").asInt());
        JsonNode view = json(InProcess.run("--home", publisherHome, "comments", blog, "--json", "--wait", "0"));
        for (JsonNode item : view.path("comments")) {
            assertEquals(item.path("id").asText().equals(spam), item.path("hidden").asBoolean(), "the owner sees it hidden: " + item);
        }
        String author = view.path("comments").get(0).path("author").asText();
        InProcess unhide = InProcess.run("--home", publisherHome, "moderate", blog, "unhide", spam);
        assertEquals(0, unhide.exit(), unhide.toString());
        assertTrue(unhide.out().contains("version 2"), unhide.toString());
        assertEquals(1, json(InProcess.run("--home", publisherHome, "moderate", blog, "hide", "--author", author, "--json"))
                .path("hiddenAuthors").asInt());

        InProcess notOwner = InProcess.run("--home", readerHome, "moderate", blog, "hide", spam);
        assertEquals(1, notOwner.exit(), notOwner.toString());
        assertTrue(notOwner.err().contains("does not hold the key"), notOwner.toString());
        InProcess immutable = InProcess.run("--home", publisherHome, "moderate", url, "hide", spam);
        assertEquals(1, immutable.exit());
        assertTrue(immutable.err().contains("no key"), immutable.toString());
        assertEquals(2, InProcess.run("--home", publisherHome, "moderate", blog, "hide").exit(), "an id or --author is needed");
        assertEquals(2, InProcess.run("--home", publisherHome, "moderate", blog, "hide", spam, "--author", author).exit());
        assertEquals(2, InProcess.run("--home", publisherHome, "moderate", blog, "delete", spam).exit());
    }
}
