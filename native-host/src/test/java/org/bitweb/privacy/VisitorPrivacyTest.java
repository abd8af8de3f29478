package org.bitweb.privacy;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A visitor shares nothing until it chooses to seed: another peer that knows only the visitor
 * gets neither the file list nor a byte from it; after "seed this site" it gets the site; after
 * "stop seeding", nothing again.
 */
@Timeout(120)
class VisitorPrivacyTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    @TempDir
    Path temp;
    private Engine publisher;
    private Engine visitor;
    private SiteAddress site;
    private byte[] data;

    @BeforeEach
    void visitASite() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>private visit</h1>");
        data = new byte[2 * 1024 * 1024];
        new Random(9).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        publisher = Engine.start(new StateDir(temp.resolve("publisher")), new EngineOptions(0, 0, LOOPBACK));
        site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
        visitor = Engine.start(new StateDir(temp.resolve("visitor")), new EngineOptions(0, 0, LOOPBACK));
        assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, peer(publisher), Duration.ofSeconds(45)));
        byte[] body = SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", null);
        assertArrayEquals(data, body);
    }

    @AfterEach
    void stop() {
        visitor.close();
        publisher.close();
    }

    private static List<InetSocketAddress> peer(Engine engine) {
        return List.of(new InetSocketAddress(LOOPBACK, engine.peerPort()));
    }

    /** An engine that gives up on a site after {@code patience} without its file list. */
    private Engine stranger(String name, Duration patience) throws IOException {
        return Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, LOOPBACK,
                patience, Duration.ofSeconds(30)));
    }

    /** Asks only the visitor for the site until the stranger's engine gives up. */
    private SiteSource.Lookup askOnlyTheVisitor(Engine stranger) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SiteSource.Lookup lookup = stranger.fetch(site, peer(visitor), Duration.ofSeconds(2));
        while (lookup instanceof SiteSource.Lookup.Loading && System.nanoTime() < deadline) {
            lookup = stranger.fetch(site, peer(visitor), Duration.ofSeconds(1));
        }
        return lookup;
    }

    @Test
    void aVisitorServesNothingUntilItSeedsAndNothingAfterItStops() throws Exception {
        try (Engine stranger = stranger("stranger1", Duration.ofSeconds(4))) {
            SiteSource.Lookup lookup = askOnlyTheVisitor(stranger);
            assertInstanceOf(SiteSource.Lookup.Unknown.class, lookup, "the visitor must not hand out the site");
            assertEquals(0, visitor.site(site.hex()).orElseThrow().uploaded());
        }

        visitor.seed(site.hex());
        try (Engine stranger = stranger("stranger2", Duration.ofSeconds(60))) {
            SiteSource.Lookup lookup = stranger.fetch(site, peer(visitor), Duration.ofSeconds(45));
            assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, "a seeder hands out the site");
            byte[] body = SwarmFetchTest.getBytes(stranger.gatewayPort(), site.host(), "/data.bin", null);
            assertArrayEquals(data, body);
        }

        visitor.unseed(site.hex());
        try (Engine stranger = stranger("stranger3", Duration.ofSeconds(4))) {
            assertInstanceOf(SiteSource.Lookup.Unknown.class, askOnlyTheVisitor(stranger), "stopped seeding: nothing again");
        }
        assertTrue(visitor.site(site.hex()).isPresent(), "stopping to seed keeps the site");
    }
}
