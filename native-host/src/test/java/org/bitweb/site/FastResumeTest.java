package org.bitweb.site;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restarting the engine neither re-hashes nor re-downloads what it had; a file changed on disk is noticed. */
@Timeout(120)
class FastResumeTest {
    @TempDir
    Path temp;

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Path folder(int size) throws IOException {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>resume</h1>");
        byte[] data = new byte[size];
        new Random(11).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        return folder;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20); // polling a condition, bounded by the deadline
        }
    }

    @Test
    void aPublishedSiteIsNotHashedAgainAtRestart() throws Exception {
        StateDir state = new StateDir(temp.resolve("a"));
        Path folder = folder(8 * 1024 * 1024);
        String ih;
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            ih = engine.publish(folder, Publisher.Progress.NONE).address();
            Engine e = engine;
            await(() -> e.piecesHashedAtStart(ih) >= 0, "the site was checked");
            assertEquals(0, engine.piecesHashedAtStart(ih), "just published: nothing to hash");
        }
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            await(() -> engine.piecesHashedAtStart(ih) >= 0, "the site was checked");
            assertEquals(0, engine.piecesHashedAtStart(ih));
            assertEquals(1.0, engine.site(ih).orElseThrow().progress());
        }
    }

    /**
     * A small site without a record is hashed by the thread that checks it, not by bt's verifier
     * (a thread pool and a full collection per site): every piece hashed, every one found good.
     */
    @Test
    void aSmallSiteWithoutARecordIsHashedInFullAndFoundWhole() throws Exception {
        StateDir state = new StateDir(temp.resolve("a"));
        Path folder = folder(3 * 1024 * 1024 + 7);
        String ih;
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            ih = engine.publish(folder, Publisher.Progress.NONE).address();
        }
        Files.delete(state.site(ih).resolve(FastResume.FILE));
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            await(() -> engine.piecesHashedAtStart(ih) >= 0, "the site was checked");
            org.bitweb.torrent.TorrentInfo info = engine.torrentInfo(new SiteAddress(SiteAddress.Kind.INFOHASH, ih)).orElseThrow();
            assertTrue((long) info.pieceCount() * info.pieceLength() <= FastResume.SMALL_SITE, "a small site");
            assertEquals(info.pieceCount(), engine.piecesHashedAtStart(ih), "every piece hashed");
            await(() -> engine.site(ih).orElseThrow().progress() == 1.0, "every piece found good");
            await(() -> Files.exists(state.site(ih).resolve(FastResume.FILE)), "the record written again");
        }
    }

    @Test
    void aFileChangedOnDiskIsDetectedAndTheSiteCheckedInFull() throws Exception {
        StateDir state = new StateDir(temp.resolve("a"));
        Path folder = folder(4 * 1024 * 1024);
        String ih;
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            ih = engine.publish(folder, Publisher.Progress.NONE).address();
        }
        Path copy = state.site(ih).resolve("data/site/data.bin");
        byte[] damaged = Files.readAllBytes(copy);
        damaged[1000] ^= 1;
        Files.write(copy, damaged);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, LOOPBACK))) {
            await(() -> engine.piecesHashedAtStart(ih) >= 0, "the site was checked");
            int pieces = (int) Math.ceil((4.0 * 1024 * 1024 + 15) / org.bitweb.torrent.TorrentMaker.pieceLengthFor(4 * 1024 * 1024 + 15));
            assertEquals(pieces, engine.piecesHashedAtStart(ih), "every piece hashed");
            await(() -> engine.site(ih).orElseThrow().progress() < 1.0, "the damaged piece is reported missing");
        }
    }

    @Test
    void aVisitorRestartsWithoutDownloadingOrHashingWhatItHad() throws Exception {
        Path folder = folder(6 * 1024 * 1024);
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), new EngineOptions(0, 0, LOOPBACK))) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, seeder.publish(folder, Publisher.Progress.NONE).address());
            List<InetSocketAddress> peer = List.of(new InetSocketAddress(LOOPBACK, seeder.peerPort()));
            StateDir visitorState = new StateDir(temp.resolve("visitor"));
            byte[] expected = Files.readAllBytes(folder.resolve("data.bin"));
            double before;
            try (Engine visitor = Engine.start(visitorState, new EngineOptions(0, 0, LOOPBACK))) {
                assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, peer, Duration.ofSeconds(45)));
                byte[] body = SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", "bytes=0-2000000");
                assertArrayEquals(java.util.Arrays.copyOf(expected, 2_000_001), body);
                before = visitor.completion(site).orElseThrow();
            }
            try (Engine visitor = Engine.start(visitorState, new EngineOptions(0, 0, LOOPBACK))) {
                // no peer this time: what is served must come from disk
                SiteSource.Lookup lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(20));
                assertInstanceOf(SiteSource.Lookup.Ready.class, lookup);
                await(() -> visitor.piecesHashedAtStart(site.hex()) >= 0, "the site was checked");
                assertEquals(0, visitor.piecesHashedAtStart(site.hex()), "pieces vouched for by the record");
                assertEquals(before, visitor.completion(site).orElseThrow(), 1e-9);
                byte[] again = SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", "bytes=0-2000000");
                assertArrayEquals(java.util.Arrays.copyOf(expected, 2_000_001), again);
                assertEquals(0, visitor.site(site.hex()).orElseThrow().downloaded(), "nothing downloaded again");
            }
        }
    }
}
