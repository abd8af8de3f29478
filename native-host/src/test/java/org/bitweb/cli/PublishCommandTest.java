package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bitweb publish} says on stderr what a visitor would miss, and publishes all the same. */
class PublishCommandTest {
    @TempDir
    Path tmp;

    private InProcess publish(Path folder) {
        return InProcess.run("--home", tmp.resolve("home").toString(), "publish", folder.toString(), "--json");
    }

    @Test
    void aTidyFolderPublishesWithoutAWord() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("tidy"));
        Files.writeString(site.resolve("index.html"), "<h1>tidy</h1>");
        InProcess run = publish(site);
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.err());
        assertEquals(1, Json.MAPPER.readTree(run.out()).path("files").asInt());
    }

    @Test
    void warnsOfAMissingIndexHtmlAndOfWhatItLeavesOutByKindWithNames() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("messy"));
        Files.writeString(site.resolve("page.html"), "<h1>no index</h1>");
        Files.writeString(site.resolve(".env"), "SECRET=1");
        Files.writeString(site.resolve(".htaccess"), "deny");
        Files.createDirectories(site.resolve(".git/objects"));
        Files.writeString(site.resolve(".git/config"), "[core]");
        Files.createDirectories(site.resolve("img"));
        Files.createSymbolicLink(site.resolve("img/logo.png"), tmp.resolve("elsewhere.png"));

        InProcess run = publish(site);
        assertEquals(0, run.exit(), run.toString());
        JsonNode published = Json.MAPPER.readTree(run.out());
        assertEquals(1, published.path("files").asInt(), "only page.html");
        String err = run.err();
        assertTrue(err.contains("bitweb publish: warning: " + site + " has no index.html"), err);
        assertTrue(err.contains("left out 2 hidden files (.env, .htaccess), 1 hidden folder (.git/), 1 symbolic link (img/logo.png)")
                || err.contains("left out 2 hidden files (.htaccess, .env), 1 hidden folder (.git/), 1 symbolic link (img/logo.png)"),
                err);
        assertEquals(2, err.lines().count(), "one line per warning: " + err);
    }

    @Test
    void aLongListIsCutShort() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("many"));
        Files.writeString(site.resolve("index.html"), "<h1>many</h1>");
        for (int i = 0; i < 8; i++) {
            Files.writeString(site.resolve(".hidden" + i), "x");
        }
        InProcess run = publish(site);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.err().contains("left out 8 hidden files (") && run.err().contains(", and 3 more)"), run.err());
        assertTrue(!run.err().contains("index.html"), "it has one: " + run.err());
    }
}
