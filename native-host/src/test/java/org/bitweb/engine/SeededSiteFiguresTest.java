package org.bitweb.engine;

import org.bitweb.address.SiteAddress;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The figures a seeded site reports (site.update, the popup's "uploaded" and "peers") follow
 * its visits: a visitor shows as a peer while it is connected, every byte of its visit is
 * counted, and it is gone afterwards, visit after visit. The bytes come from the engine's own
 * per-site counts (Bandwidth), not bt's session sums, which lost a leaving peer's last second
 * and a visit that came and went between two reads: so the seeder runs at full speed and every
 * byte of both visits is asked for, and no more than the site's size per visit (each block once).
 * Between visits the report does not look at the site at all: a peer's coming and going wakes it.
 */
@Timeout(120)
class SeededSiteFiguresTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SIZE = 2 * 1024 * 1024;

    @TempDir
    Path temp;

    @Test
    void uploadedCountsEveryByteOfEveryVisit() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>figures</h1>");
        byte[] data = new byte[SIZE];
        new Random(16).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        try (Engine publisher = Engine.start(new StateDir(temp.resolve("publisher")), new EngineOptions(0, 0, LOOPBACK))) {
            BlockingQueue<SiteStatus> updates = new LinkedBlockingQueue<>();
            publisher.onSiteUpdate(updates::add);
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
            long size = publisher.site(site.hex()).orElseThrow().size();
            awaitAsleep(publisher, "its start, the site checked and recorded, no peer yet");

            visit(publisher, site, data, "visitor1", updates);
            SiteStatus first = awaitUpdate(updates, s -> s.peers() == 0 && s.uploaded() >= SIZE, "the first visitor's bytes, it gone");
            assertTrue(first.uploaded() <= size, "each block once: " + first.uploaded() + " bytes for a site of " + size);
            awaitAsleep(publisher, "the first visitor gone");
            visit(publisher, site, data, "visitor2", updates);
            SiteStatus second = awaitUpdate(updates, s -> s.peers() == 0 && s.uploaded() >= first.uploaded() + SIZE,
                    "both visitors' bytes, after " + first.uploaded());
            assertTrue(second.uploaded() >= 2L * SIZE && second.uploaded() <= 2 * size,
                    "two visits' bytes, each block once: " + second.uploaded() + " for a site of " + size);
            assertEquals(second.uploaded(), publisher.site(site.hex()).orElseThrow().uploaded(),
                    "the report and a status read agree");
        }
    }

    /** Waits until the once-a-second report looks at no site: an idle engine does no work per site. */
    private static void awaitAsleep(Engine publisher, String when) {
        Await.until("the report to look at no site after " + when, Duration.ofSeconds(30), () -> publisher.sitesAwake() == 0);
    }

    /** Fetches the site from the publisher, sees the visitor reported as its peer, and leaves. */
    private void visit(Engine publisher, SiteAddress site, byte[] data, String name, BlockingQueue<SiteStatus> updates)
            throws IOException, InterruptedException {
        try (Engine visitor = Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, LOOPBACK))) {
            List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort()));
            assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, peer, Duration.ofSeconds(45)));
            assertArrayEquals(data, SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", null));
            long downloaded = visitor.site(site.hex()).orElseThrow().downloaded();
            assertTrue(downloaded >= SIZE, name + " counted every byte it read: " + downloaded);
            // still connected: the publisher's next report shows it
            awaitUpdate(updates, s -> s.peers() >= 1, name + " as a peer");
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
