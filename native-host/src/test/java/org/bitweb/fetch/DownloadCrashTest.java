package org.bitweb.fetch;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.testing.ChildJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 of an engine in the middle of a download: on restart the site list is intact and the download resumes. */
@Timeout(180)
class DownloadCrashTest {
    @TempDir
    Path temp;

    private Process startEngine(StateDir state) throws IOException {
        return ChildJava.start(temp.resolve("engine-" + System.nanoTime() + ".err"), "--home", state.root().toString(),
                "serve", "--gateway-port", "0", "--peer-port", "0", "--peer-bind", "127.0.0.1",
                // the seeder is on this machine: its link names a loopback peer
                "--local-peer-hints");
    }

    private static EngineClient connect(StateDir state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return EngineClient.connect(state.socket());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // waiting for the engine's socket, bounded by the deadline
            }
        }
    }

    @Test
    void aKilledDownloadResumesWithoutFetchingAgainWhatWasVerified() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>big</h1>");
        Random random = new Random(3);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(folder.resolve("big.bin"))) {
            for (int i = 0; i < 160; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            String address = seeder.publish(folder, Publisher.Progress.NONE).address();
            String magnet = "magnet:?xt=urn:btih:" + address + "&x.pe=127.0.0.1:" + seeder.peerPort();
            StateDir state = new StateDir(temp.resolve("visitor"));

            Process first = startEngine(state);
            double before;
            try (EngineClient client = connect(state)) {
                var request = Json.object().put("url", magnet).put("whole", true).put("wait", 2000);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                JsonNode state1 = client.request("site.fetch", request);
                while (state1.path("completion").asDouble(0) < 0.15 && System.nanoTime() < deadline) {
                    state1 = client.request("site.fetch", request);
                }
                before = state1.path("completion").asDouble(0);
            }
            first.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no resume record written
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            assertTrue(before >= 0.15 && before < 1.0, "killed in the middle: " + before);

            var records = SiteStore.open(state).list();
            assertEquals(1, records.size(), "the site list survived the kill");
            assertEquals(address, records.get(0).infohash());

            Process second = startEngine(state);
            try (EngineClient client = connect(state)) {
                // no peer this time: what is there now was kept from before the kill
                JsonNode resumed = client.request("site.fetch", Json.object().put("url", "http://" + address + ".bitweb/")
                        .put("wait", 10_000));
                assertTrue(resumed.path("ready").asBoolean(), resumed.toString());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                double after = client.request("site.fetch", Json.object().put("url", "http://" + address + ".bitweb/"))
                        .path("completion").asDouble();
                while (after < before * 0.9 && System.nanoTime() < deadline) {
                    Thread.sleep(100); // bt checks the kept pieces at start; bounded by the deadline
                    after = client.request("site.fetch", Json.object().put("url", "http://" + address + ".bitweb/"))
                            .path("completion").asDouble();
                }
                // pieces in flight at the kill may be lost; the verified ones are kept
                assertTrue(after >= before * 0.9, "kept " + after + " of " + before + " after the kill");

                var finish = Json.object().put("url", magnet).put("whole", true);
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                double done = client.request("site.fetch", finish).path("completion").asDouble();
                while (done < 1.0 && System.nanoTime() < deadline) {
                    Thread.sleep(100); // the rest downloads; bounded by the deadline
                    done = client.request("site.fetch", finish).path("completion").asDouble();
                }
                assertEquals(1.0, done, 1e-9, "the download finished after the restart");
                JsonNode site = client.request("site.info", Json.object().put("address", address));
                long downloadedAgain = site.path("downloaded").asLong();
                long total = site.path("size").asLong();
                assertTrue(downloadedAgain <= (long) (total * (1 - after)) + 4 * 1024 * 1024,
                        "after the restart only the rest came over the wire: " + downloadedAgain + " of " + total);
            } finally {
                second.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
