package org.bitweb.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash never corrupts the store: the engine, running as its own process the way
 * {@code bitweb serve} runs it, is killed with SIGKILL in the middle of publishing a big folder,
 * and the next engine on the same state folder still has every earlier site, intact and served.
 */
class PublishCrashTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    final List<Process> engines = new ArrayList<>();

    @AfterEach
    void killEngines() throws InterruptedException {
        for (Process p : engines) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    Process serve(StateDir home) throws IOException {
        Process p = ChildJava.startDetached(tmp.resolve("engine.out"), "--home", home.root().toString(), "serve",
                "--gateway-port", "0", "--peer-port", "0", "--peer-bind", "127.0.0.1");
        engines.add(p);
        return p;
    }

    /** Connects once the engine answers on its socket (a killed engine's socket file may still be there). */
    EngineClient connect(StateDir home, Process engine) {
        EngineClient[] client = new EngineClient[1];
        Await.until("the engine to answer on " + home.socket(), WAIT, () -> {
            if (!engine.isAlive()) {
                throw new AssertionError("the engine exited with " + engine.exitValue() + ": " + output());
            }
            try {
                EngineClient c = EngineClient.connect(home.socket());
                c.request("hello", null);
                client[0] = c;
                return true;
            } catch (Exception notYet) {
                return false;
            }
        });
        return client[0];
    }

    String output() {
        try {
            return Files.readString(tmp.resolve("engine.out"));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    static List<String> staging(StateDir home) throws IOException {
        try (Stream<Path> list = Files.list(home.sites())) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".staging-")).toList();
        }
    }

    @Test
    void killingTheEngineInTheMiddleOfAPublishLeavesEveryEarlierSiteIntact() throws Exception {
        StateDir home = new StateDir(tmp.resolve("home"));
        Path small = Files.createDirectories(tmp.resolve("small/blog"));
        Files.writeString(small.resolve("index.html"), "<h1>blog</h1>");
        byte[] photo = new byte[200_000];
        new Random(9).nextBytes(photo);
        Files.write(small.resolve("photo.jpg"), photo);

        // 200 MB that take no disk: sparse files read back as zeros
        Path big = Files.createDirectories(tmp.resolve("big/archive"));
        Files.writeString(big.resolve("index.html"), "<h1>archive</h1>");
        for (int i = 0; i < 4; i++) {
            try (RandomAccessFile f = new RandomAccessFile(big.resolve("part" + i + ".bin").toFile(), "rw")) {
                f.setLength(50L * 1024 * 1024);
            }
        }

        Process first = serve(home);
        String address;
        JsonNode before;
        try (EngineClient client = connect(home, first)) {
            address = client.request("site.publish", Json.object().put("path", small.toString())).path("address").asText();
            before = client.request("site.info", Json.object().put("address", address));
        }

        CountDownLatch progressing = new CountDownLatch(1);
        Thread publisher = new Thread(() -> {
            try (EngineClient client = EngineClient.connect(home.socket())) {
                client.request("site.publish", Json.object().put("path", big.toString()), (event, data) -> {
                    if (event.equals("publish.progress")) {
                        progressing.countDown();
                    }
                });
            } catch (Exception expected) {
                // the engine dies under it
            }
        }, "big-publish");
        publisher.setDaemon(true);
        publisher.start();
        assertTrue(progressing.await(WAIT.toSeconds(), TimeUnit.SECONDS), "no publish.progress event: " + output());
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        assertTrue(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, staging(home).size(), "the kill landed in the middle of the publish, so its staging folder is there");

        Process second = serve(home);
        try (EngineClient client = connect(home, second)) {
            JsonNode sites = client.request("sites.list", null).path("sites");
            assertEquals(1, sites.size(), "only the site that was complete before the kill: " + sites);
            assertEquals(before, sites.get(0), "the earlier site's record is unchanged");
            assertEquals(List.of(), staging(home), "the next start removes what the killed publish left");

            int port = client.request("hello", null).path("gatewayPort").asInt();
            assertArrayEquals(photo, Http.proxyGet(port, address + ".bitweb", "/photo.jpg").body());
            assertEquals("<h1>blog</h1>", Http.proxyGet(port, address + ".bitweb", "/").text());
        }
        JsonNode file = new ObjectMapper().readTree(Files.readAllBytes(home.sitesFile()));
        assertTrue(file.isArray() && file.size() == 1, "sites.json is whole: " + file);
        assertEquals(address, file.get(0).path("infohash").asText());
    }
}
