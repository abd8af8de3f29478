package org.bitweb.fetch;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.MetadataGate;
import org.bitweb.torrent.TorrentInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file a browser asked for before the site's file list came is fetched the moment the file
 * list verifies, not once a reader asks again (issue 16): its blocks go out as bt starts the
 * torrent, in the same turn as the file list. Real engines on loopback; a relay holds the
 * seeder's metadata until the gateway has answered the first request with its loading page, and
 * then nobody asks for the file again.
 */
@Timeout(90)
class FetchOnArrivalTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void aFileAskedForBeforeTheFileListCameArrivesWithoutBeingAskedForAgain() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>home</h1>");
        byte[] page = new byte[200_000];
        new Random(7).nextBytes(page);
        Files.write(folder.resolve("page.bin"), page);
        Files.write(folder.resolve("other.bin"), new byte[2 << 20]);
        EngineOptions options = new EngineOptions(0, 0, LOOPBACK);
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), options);
             Engine visitor = Engine.start(new StateDir(temp.resolve("visitor")), options)) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                    seeder.publish(folder, Publisher.Progress.NONE).address());
            try (MetadataGate gate = MetadataGate.untilReleased(new InetSocketAddress(LOOPBACK, seeder.peerPort()))) {
                visitor.fetch(site, List.of(gate.address()), Duration.ZERO); // the link's peer hint
                // the metadata is held: the gateway waits for it, then answers with its loading page
                String first = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/page.bin");
                assertTrue(first.contains("http-equiv=\"refresh\""), first);
                gate.release();

                SiteSource.Lookup lookup = visitor.fetch(site, List.of(), Duration.ofSeconds(30));
                RemoteSite remote = (RemoteSite) assertInstanceOf(SiteSource.Lookup.Ready.class, lookup).view();
                TorrentInfo info = remote.info().orElseThrow();
                TorrentInfo.TorrentFile file = info.contentFiles().stream()
                        .filter(f -> f.joined().endsWith("page.bin")).findFirst().orElseThrow();
                BitSet wanted = new BitSet();
                wanted.set((int) (file.offset() / info.pieceLength()),
                        (int) ((file.offset() + file.length() - 1) / info.pieceLength()) + 1);
                Await.until("page.bin's pieces, with no reader asking for them", Duration.ofSeconds(30), () -> {
                    BitSet missing = (BitSet) wanted.clone();
                    missing.andNot(remote.verifiedPieces());
                    return missing.isEmpty();
                });
            }
        }
    }
}
