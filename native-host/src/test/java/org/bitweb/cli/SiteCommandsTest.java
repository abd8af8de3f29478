package org.bitweb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bitweb sites | seed | unseed | remove | forget | stop} against a real engine process: the
 * same protocol calls the popup makes, with the same effects, seen through {@code sites.list}.
 */
class SiteCommandsTest {
    @TempDir
    Path tmp;
    private Process engine;

    @AfterEach
    void kill() throws InterruptedException {
        if (engine != null) {
            engine.destroyForcibly();
            engine.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private InProcess bitweb(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = tmp.resolve("home").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return InProcess.run(all);
    }

    @Test
    void withoutAnEngineSiteActionsSayHowToStartOneAndStopIsNoError() {
        InProcess sites = bitweb("sites");
        assertEquals(Outcome.ENGINE.status, sites.exit(), sites.toString());
        assertTrue(sites.err().contains("bitweb serve") && sites.err().contains("bitweb service install"), sites.err());
        InProcess stop = bitweb("stop");
        assertEquals(0, stop.exit(), stop.toString());
        assertTrue(stop.out().contains("no engine runs"), stop.out());
    }

    @Test
    void theSiteActionsHaveThePopupsEffectsAndStopEndsTheEngineCleanly() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>cli</h1>");
        InProcess published = bitweb("publish", folder.toString(), "--json");
        assertEquals(0, published.exit(), published.toString());
        String url = Json.MAPPER.readTree(published.out()).path("url").asText();

        StateDir home = new StateDir(tmp.resolve("home"));
        engine = ChildJava.startDetached(tmp.resolve("engine.log"), "--home", home.root().toString(), "serve",
                "--gateway-port", "0", "--peer-port", "0", "--peer-bind", "127.0.0.1");
        Await.until("the engine", Duration.ofSeconds(60), () -> {
            assertTrue(engine.isAlive(), "the engine runs");
            try (EngineClient client = EngineClient.connect(home.socket())) {
                return client.request("status", null) != null;
            } catch (Exception e) {
                return false;
            }
        });

        JsonNode sites = Json.MAPPER.readTree(bitweb("sites", "--json").out());
        assertEquals(1, sites.path("sites").size());
        assertTrue(seeding(home));
        assertTrue(bitweb("sites").out().contains(url), "the text list names the site");

        InProcess unseed = bitweb("unseed", url);
        assertEquals(0, unseed.exit(), unseed.toString());
        assertFalse(seeding(home), "the engine no longer seeds it");
        InProcess seed = bitweb("seed", url, "--json");
        assertEquals(0, seed.exit(), seed.toString());
        assertTrue(Json.MAPPER.readTree(seed.out()).path("seeding").asBoolean());
        assertTrue(seeding(home));

        InProcess unknown = bitweb("forget", "http://" + "a".repeat(40) + ".bitweb/");
        assertEquals(Outcome.ERROR.status, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("does not know the site"), unknown.err());

        InProcess remove = bitweb("remove", url, "--json");
        assertEquals(0, remove.exit(), remove.toString());
        assertTrue(Json.MAPPER.readTree(remove.out()).path("freed").asLong() > 0, remove.out());
        assertEquals(0, Json.MAPPER.readTree(bitweb("sites", "--json").out()).path("sites").size());

        InProcess stop = bitweb("stop");
        assertEquals(0, stop.exit(), stop.toString());
        assertTrue(stop.out().contains("pid " + engine.pid()), stop.out());
        assertTrue(engine.waitFor(10, TimeUnit.SECONDS), "stop returns once the engine exited");
        assertEquals(0, engine.exitValue(), "a clean exit: the service's Restart=on-failure leaves it stopped");
        assertFalse(Files.exists(home.engineInfo()));
    }

    private static boolean seeding(StateDir home) throws Exception {
        try (EngineClient client = EngineClient.connect(home.socket())) {
            return client.request("sites.list", null).path("sites").get(0).path("seeding").asBoolean();
        }
    }
}
