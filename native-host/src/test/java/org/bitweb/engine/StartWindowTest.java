package org.bitweb.engine;

import org.bitweb.address.SiteAddress;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway answers before the engine has opened its sites (its port is what a browser waits
 * for). A page asked for in that window once started a visitor's fetch of a site this machine
 * published; opening the site then failed ("Torrent already registered"), and the site was not
 * seeded for the whole run although the status said so. Asked for in the window, a site must be
 * served, and after the start it must be seeded for real: a stranger downloads it from us.
 */
@Timeout(180)
class StartWindowTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void aTakenGatewayPortFailsTheStartSayingWhatToDo() throws IOException {
        // the gateway's port listens from the start's first steps (a page asked for while the
        // engine starts waits for it): taken, the start fails there, with what to do next
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, LOOPBACK)) {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Engine.start(
                    new StateDir(temp.resolve("taken")), new EngineOptions(taken.getLocalPort(), 0, LOOPBACK)));
            assertTrue(e.getMessage().contains("the gateway cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    && e.getMessage().contains("--gateway-port 0"), e.getMessage());
        }
    }

    @Test
    void sitesAskedForBeforeTheyAreOpenedAreServedAndThenSeeded() throws Exception {
        Path published = site("published", "a page this machine published");
        Path visited = site("visited", "a page this machine visited and chose to seed");
        StateDir state = new StateDir(temp.resolve("engine"));
        SiteAddress mine;
        SiteAddress seededVisit;
        try (Engine origin = Engine.start(new StateDir(temp.resolve("origin")), new EngineOptions(0, 0, LOOPBACK))) {
            seededVisit = address(origin.publish(visited, Publisher.Progress.NONE).address());
            try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
                mine = address(engine.publish(published, Publisher.Progress.NONE).address());
                List<InetSocketAddress> originPeer = List.of(new InetSocketAddress(LOOPBACK, origin.peerPort()));
                assertInstanceOf(SiteSource.Lookup.Ready.class, engine.fetch(seededVisit, originPeer, Duration.ofSeconds(60)));
                engine.seed(seededVisit.hex());
                Await.until("the visited site is whole here", Duration.ofSeconds(60),
                        () -> engine.completion(seededVisit).orElse(0.0) >= 1.0);
            }
        }
        // the origin is gone: from now on only the restarted engine has the visited site

        List<String> inTheWindow = new ArrayList<>();
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK), started -> {
            for (SiteAddress site : List.of(mine, seededVisit)) {
                try {
                    Http.Reply reply = Http.proxyGet(started.gatewayPort(), site.host(), "/");
                    inTheWindow.add(reply.status() + " " + reply.text());
                } catch (IOException e) {
                    inTheWindow.add(e.toString());
                }
            }
        })) {
            assertEquals(List.of("200 " + text(published), "200 " + text(visited)), inTheWindow,
                    "both sites served before the engine opened them");
            for (SiteAddress site : List.of(mine, seededVisit)) {
                assertTrue(engine.site(site.hex()).orElseThrow().seeding(), site.hex() + " says it is seeded");
            }

            // ...and is: a visitor that knows only this engine downloads both from it
            try (Engine stranger = Engine.start(new StateDir(temp.resolve("stranger")), new EngineOptions(0, 0, LOOPBACK))) {
                List<InetSocketAddress> us = List.of(new InetSocketAddress(LOOPBACK, engine.peerPort()));
                for (SiteAddress site : List.of(mine, seededVisit)) {
                    assertInstanceOf(SiteSource.Lookup.Ready.class, stranger.fetch(site, us, Duration.ofSeconds(60)), site.hex());
                    byte[] body = SwarmFetchTest.getBytes(stranger.gatewayPort(), site.host(), "/index.html", null);
                    Path folder = site.equals(mine) ? published : visited;
                    assertArrayEquals(Files.readAllBytes(folder.resolve("index.html")), body, site.hex());
                }
            }
        }
    }

    /**
     * The engine is ready (start returns, so engine.json is written and the port answers) before
     * its sites are open: here the thread that opens them is held until the engine is up. Once it
     * runs, every site is seeded: bt has checked each one (trusting its record of verified pieces)
     * and a stranger downloads one from us. With {@value Engine#OPEN_SITES_BEFORE_READY} the old
     * order holds: every site is open when start returns.
     */
    @Test
    void theEngineIsReadyBeforeItsSitesAreOpenAndThenSeedsEveryOne() throws Exception {
        StateDir state = new StateDir(temp.resolve("engine"));
        List<SiteAddress> sites = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            for (int i = 0; i < 5; i++) {
                folders.add(site("site-" + i, "site number " + i));
                sites.add(address(engine.publish(folders.get(i), Publisher.Progress.NONE).address()));
            }
        }

        CountDownLatch up = new CountDownLatch(1);
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK), started -> { }, opening -> {
            try {
                assertTrue(up.await(60, TimeUnit.SECONDS), "the engine came up");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            assertFalse(engine.sitesOpened().isDone(), "start returned before the sites were opened");
            for (SiteAddress site : sites) {
                assertEquals(-1, engine.piecesHashedAtStart(site.hex()), site.hex() + " not open yet");
            }
            up.countDown();
            engine.sitesOpened().get(60, TimeUnit.SECONDS);
            for (SiteAddress site : sites) {
                Await.until(site.hex() + " checked by bt from its record", Duration.ofSeconds(30),
                        () -> engine.piecesHashedAtStart(site.hex()) == 0);
                assertTrue(engine.site(site.hex()).orElseThrow().seeding(), site.hex());
            }
            try (Engine stranger = Engine.start(new StateDir(temp.resolve("stranger")), new EngineOptions(0, 0, LOOPBACK))) {
                SiteAddress last = sites.get(sites.size() - 1);
                List<InetSocketAddress> us = List.of(new InetSocketAddress(LOOPBACK, engine.peerPort()));
                assertInstanceOf(SiteSource.Lookup.Ready.class, stranger.fetch(last, us, Duration.ofSeconds(60)));
                assertArrayEquals(Files.readAllBytes(folders.get(folders.size() - 1).resolve("index.html")),
                        SwarmFetchTest.getBytes(stranger.gatewayPort(), last.host(), "/index.html", null));
            }
        }

        System.setProperty(Engine.OPEN_SITES_BEFORE_READY, "true");
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            assertTrue(engine.sitesOpened().isDone(), "the old order: every site opened before start returned");
        } finally {
            System.clearProperty(Engine.OPEN_SITES_BEFORE_READY);
        }
    }

    private Path site(String name, String words) throws IOException {
        Path folder = Files.createDirectories(temp.resolve(name));
        Files.writeString(folder.resolve("index.html"), "<!doctype html><p>" + words + "</p>\n");
        return folder;
    }

    private static String text(Path folder) throws IOException {
        return Files.readString(folder.resolve("index.html"), StandardCharsets.UTF_8);
    }

    private static SiteAddress address(String hex) {
        return new SiteAddress(SiteAddress.Kind.INFOHASH, hex);
    }
}
