package org.bitweb.engine;

import org.bitweb.address.SiteAddress;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The figures a seeded site reports (site.update, the popup's "uploaded" and "peers") follow
 * its visits: a visitor shows as a peer, its bytes are counted, and it is gone afterwards, visit
 * after visit. bt counts a peer's bytes as of the last read of the session while it was
 * connected (the once-a-second report), so the bytes of its last second are not counted, and a
 * visit that comes and goes between two reads not at all: the test slows the seeder down and asks
 * for most of each visit's bytes.
 */
@Timeout(120)
class SeededSiteFiguresTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SIZE = 2 * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void uploadedCountsEveryVisitorOnceTheyHaveGone() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>figures</h1>");
        byte[] data = new byte[SIZE];
        new Random(16).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        try (Engine publisher = Engine.start(new StateDir(temp.resolve("publisher")), new EngineOptions(0, 0, LOOPBACK))) {
            BlockingQueue<SiteStatus> updates = new LinkedBlockingQueue<>();
            publisher.onSiteUpdate(updates::add);
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
            // each visit lasts seconds, so reports see its peer connected
            publisher.bandwidth().limit(SIZE / 4, 0);

            visit(publisher, site, data, "visitor1");
            awaitUpdate(updates, s -> s.peers() >= 1, "the first visitor as a peer");
            SiteStatus first = awaitUpdate(updates, s -> s.peers() == 0 && s.uploaded() >= SIZE / 2, "the first visitor's bytes, it gone");
            visit(publisher, site, data, "visitor2");
            awaitUpdate(updates, s -> s.peers() >= 1, "the second visitor as a peer");
            SiteStatus second = awaitUpdate(updates, s -> s.peers() == 0 && s.uploaded() >= first.uploaded() + SIZE / 2,
                    "both visitors' bytes, after " + first.uploaded());
            assertEquals(second.uploaded(), publisher.site(site.hex()).orElseThrow().uploaded(),
                    "the report and a status read agree");
        }
    }

    private void visit(Engine publisher, SiteAddress site, byte[] data, String name) throws IOException {
        try (Engine visitor = Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, LOOPBACK))) {
            List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort()));
            assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, peer, Duration.ofSeconds(45)));
            assertArrayEquals(data, SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", null));
        }
    }

    private static SiteStatus awaitUpdate(BlockingQueue<SiteStatus> updates, java.util.function.Predicate<SiteStatus> wanted,
                                          String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        SiteStatus last = null;
        while (System.nanoTime() < deadline) {
            SiteStatus update = updates.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (update == null) {
                break;
            }
            last = update;
            if (wanted.test(update)) {
                return update;
            }
        }
        assertNotNull(null, "no site.update with " + what + " in 30 s; last: " + last);
        return null;
    }
}
