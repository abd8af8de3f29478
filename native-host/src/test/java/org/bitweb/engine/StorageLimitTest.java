package org.bitweb.engine;

import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
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
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage that forgets: over the limit, the least recently visited sites go, files and all; forget removes every trace. */
@Timeout(120)
class StorageLimitTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    @TempDir
    Path temp;

    @Test
    void theLeastRecentlyVisitedSitesAreEvictedAndPublishedOnesNever() throws Exception {
        try (Engine publisher = Engine.start(new StateDir(temp.resolve("p")), new EngineOptions(0, 0, LOOPBACK))) {
            List<SiteAddress> sites = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path folder = Files.createDirectories(temp.resolve("site" + i));
                byte[] data = new byte[1024 * 1024];
                new Random(i).nextBytes(data);
                Files.write(folder.resolve("data.bin"), data);
                sites.add(new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address()));
            }
            StateDir state = new StateDir(temp.resolve("v"));
            try (Engine visitor = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
                Path own = Files.createDirectories(temp.resolve("own"));
                Files.write(own.resolve("mine.bin"), new byte[2 * 1024 * 1024]);
                String mine = visitor.publish(own, Publisher.Progress.NONE).address();
                List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort()));
                for (SiteAddress site : sites) {
                    assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, peer, Duration.ofSeconds(45)));
                    SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", null);
                }
                // visits are noted to the minute; make the order unambiguous
                for (int i = 0; i < sites.size(); i++) {
                    var store = org.bitweb.store.SiteStore.open(state);
                    store.put(store.get(sites.get(i).hex()).orElseThrow().withVisited(1000L * (i + 1)));
                }
                visitor.close();
                try (Engine restarted = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
                    restarted.storageLimit(2_200_000);
                    assertFalse(Files.exists(state.site(sites.get(0).hex())), "the oldest visit is gone from disk");
                    assertTrue(restarted.site(sites.get(0).hex()).isEmpty(), "and from the site list");
                    assertTrue(Files.exists(state.site(sites.get(1).hex())));
                    assertTrue(Files.exists(state.site(sites.get(2).hex())));
                    assertTrue(Files.exists(state.site(mine)), "a published site is never evicted");
                    restarted.storageLimit(1);
                    assertFalse(Files.exists(state.site(sites.get(1).hex())));
                    assertFalse(Files.exists(state.site(sites.get(2).hex())));
                    assertTrue(Files.exists(state.site(mine)));
                    assertEquals(List.of(mine), restarted.sites().stream().map(SiteStatus::address).toList());
                }
            }
        }
    }

    @Test
    void forgettingAVisitedSiteLeavesNoTraceInTheStore() throws Exception {
        try (Engine publisher = Engine.start(new StateDir(temp.resolve("p")), new EngineOptions(0, 0, LOOPBACK))) {
            Path folder = Files.createDirectories(temp.resolve("secret"));
            Files.writeString(folder.resolve("index.html"), "<p>nobody must know I read this</p>");
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
            StateDir state = new StateDir(temp.resolve("v"));
            try (Engine visitor = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
                visitor.fetch(site, List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort())), Duration.ofSeconds(45));
                SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
                visitor.remove(site.hex());
            }
            // nothing in the state folder names the site any more: not a file name, not a byte of any file
            try (var walk = Files.walk(state.root())) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    assertFalse(p.toString().contains(site.hex()), p.toString());
                    if (Files.isRegularFile(p) && !p.toString().endsWith(".sock")) {
                        String text = Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertFalse(text.contains(site.hex()), "trace of the site in " + p);
                        assertFalse(text.contains("nobody must know"), "content of the site in " + p);
                    }
                }
            }
        }
    }

    @Test
    void theAutomaticLimitIsAQuarterOfTheFreeSpaceAndATooBigSiteIsRefusedSayingWhatToDo() throws Exception {
        StateDir state = new StateDir(temp.resolve("auto")).create();
        var store = org.bitweb.store.SiteStore.open(state);
        org.bitweb.site.StorageLimit limit = new org.bitweb.site.StorageLimit(state, store, ih -> false, ih -> 0);
        limit.set(org.bitweb.site.StorageLimit.AUTO);
        long free = Files.getFileStore(state.sites()).getUsableSpace();
        long inForce = limit.inForce();
        assertTrue(Math.abs(inForce - free / 4) < free / 100 + 10_000_000, inForce + " for " + free + " free");

        String tooBig = limit.refusal(inForce * 2).orElseThrow(); // twice: the free space moves while others write
        assertTrue(tooBig.contains("raise the storage limit") && tooBig.contains("a quarter of the free disk space"), tooBig);
        assertTrue(limit.refusal(1_000_000).isEmpty(), "a small site fits");

        limit.set(0); // no limit: only the disk itself can refuse
        assertTrue(limit.refusal(inForce * 2).isEmpty());
        String noDisk = limit.refusal(Long.MAX_VALUE / 2).orElseThrow();
        assertTrue(noDisk.contains("Free disk space"), noDisk);
    }

    /** Issue 12, item 10: a 26 TiB torrent was accepted because the limit defaulted to none. */
    @Test
    void aFreshEngineHasTheAutomaticLimitNotNone() throws Exception {
        StateDir state = new StateDir(temp.resolve("fresh"));
        try (org.bitweb.daemon.EngineDaemon daemon = org.bitweb.daemon.EngineDaemon.start(state, new EngineOptions(0, 0, LOOPBACK));
             org.bitweb.messaging.EngineClient client = org.bitweb.messaging.EngineClient.connect(state.socket())) {
            var settings = client.request("settings.get", null);
            assertTrue(settings.path("storageLimitAuto").asBoolean(), settings.toString());
            long free = Files.getFileStore(state.sites()).getUsableSpace();
            long inForce = daemon.engine().storageLimitInForce();
            assertTrue(inForce > 0 && inForce < free, "a share of the free space, not none: " + inForce + " of " + free);
            assertEquals(inForce, settings.path("storageLimitInForceBytes").asLong(), 0.02 * free + 10_000_000);
        }
    }

    @Test
    void aSiteBiggerThanTheLimitIsRefusedBeforeAnyOfItIsDownloaded() throws Exception {
        try (Engine publisher = Engine.start(new StateDir(temp.resolve("p")), new EngineOptions(0, 0, LOOPBACK))) {
            Path folder = Files.createDirectories(temp.resolve("big"));
            Files.writeString(folder.resolve("index.html"), "<h1>big</h1>");
            byte[] data = new byte[3 * 1024 * 1024];
            new Random(3).nextBytes(data);
            Files.write(folder.resolve("data.bin"), data);
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
            StateDir state = new StateDir(temp.resolve("v"));
            try (Engine visitor = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
                visitor.storageLimit(1_000_000);
                List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort()));
                SiteSource.Lookup lookup = visitor.fetch(site, peer, Duration.ofSeconds(45));
                SiteSource.Lookup.Unknown refused = assertInstanceOf(SiteSource.Lookup.Unknown.class, lookup);
                assertTrue(refused.reason().contains("3.1 MB") && refused.reason().contains("1.0 MB")
                        && refused.reason().contains("raise the storage limit"), refused.reason());
                assertFalse(Files.exists(state.site(site.hex())), "nothing of it was kept");
                assertTrue(visitor.site(site.hex()).isEmpty(), "nor recorded as visited");
            }
        }
    }
}
