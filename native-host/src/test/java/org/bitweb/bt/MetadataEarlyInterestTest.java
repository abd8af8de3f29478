package org.bitweb.bt;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.MetadataGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site's lookup tells the peer "interested" while the metadata is still on its way, so the
 * peer's unchoke comes back with the metadata instead of a round trip after it (issue 16). Two
 * real engines on loopback, with a relay between them that holds back everything the seeder
 * sends after its handshakes and bitfield (the metadata among it) until the visitor has said
 * "interested", or for {@link MetadataGate#HOLD}. A visitor that waits for the metadata before saying
 * it gets the metadata only once the hold runs out, and the test fails.
 */
@Timeout(90)
class MetadataEarlyInterestTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void aLookupSaysInterestedBeforeTheMetadataArrivesAndThePageComes() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>early</h1>");
        Files.write(folder.resolve("big.bin"), new byte[3 << 20]);
        EngineOptions options = new EngineOptions(0, 0, LOOPBACK);
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), options);
             Engine visitor = Engine.start(new StateDir(temp.resolve("visitor")), options)) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                    seeder.publish(folder, Publisher.Progress.NONE).address());
            try (MetadataGate gate = MetadataGate.untilInterested(new InetSocketAddress(LOOPBACK, seeder.peerPort()))) {
                assertInstanceOf(SiteSource.Lookup.Ready.class,
                        visitor.fetch(site, List.of(gate.address()), Duration.ofSeconds(45)));
                String page = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
                assertTrue(page.endsWith("<h1>early</h1>"), page);
                assertTrue(gate.interestedBeforeMetadata(),
                        "the visitor said \"interested\" only after the metadata came (or never)");
            }
        }
    }
}
