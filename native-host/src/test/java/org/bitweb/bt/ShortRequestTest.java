package org.bitweb.bt;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.MetadataGate;
import org.bitweb.testing.MetadataGate.BlockRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
 * A visitor asks for a page's bytes, not for the BEP 47 padding after them (issue 16): the block
 * that holds the page's end is requested up to the page's last byte, rounded up to whole TCP
 * segments, and the piece still verifies from that short block. Two real engines on loopback,
 * with a relay between them that notes the visitor's requests. A visitor that asks for whole
 * 16 KiB blocks fails the lengths; one whose short block is not counted as whole never verifies
 * the piece (bt's timeout asks for the block again, and the test sees that request too).
 */
@Timeout(90)
class ShortRequestTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PAGE = 20_000; // a whole 16 KiB block, then 3,616 bytes before the padding

    @TempDir
    Path temp;

    @Test
    void theBlockThatEndsAPageStopsWhereThePageEndsAndThePieceVerifies() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        byte[] page = new byte[PAGE];
        new Random(16).nextBytes(page);
        Files.write(folder.resolve("index.html"), page);
        Files.createDirectories(folder.resolve("media"));
        Files.write(folder.resolve("media/z.bin"), new byte[3 << 20]); // after the page: padding between them
        EngineOptions options = new EngineOptions(0, 0, LOOPBACK);
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), options);
             Engine visitor = Engine.start(new StateDir(temp.resolve("visitor")), options)) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                    seeder.publish(folder, Publisher.Progress.NONE).address());
            try (MetadataGate gate = MetadataGate.untilInterested(new InetSocketAddress(LOOPBACK, seeder.peerPort()))) {
                assertInstanceOf(SiteSource.Lookup.Ready.class,
                        visitor.fetch(site, List.of(gate.address()), Duration.ofSeconds(45)));
                byte[] served = SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/index.html", null);
                assertArrayEquals(page, served, "the page as published");

                // index.html sorts first: piece 0, its two blocks, the rest of the piece padding
                List<BlockRequest> ofPage = gate.requests().stream().filter(r -> r.piece() == 0).toList();
                int tail = PAGE - 16 * 1024;
                int asked = (tail + ShortRequestProducer.SEGMENT - 1) / ShortRequestProducer.SEGMENT
                        * ShortRequestProducer.SEGMENT;
                assertEquals(4344, asked); // 3 segments of 1,448 bytes
                assertEquals(List.of(new BlockRequest(0, 0, 16 * 1024), new BlockRequest(0, 16 * 1024, asked)),
                        ofPage.stream().sorted(java.util.Comparator.comparingInt(BlockRequest::offset)).toList(),
                        "the page's blocks, each asked for once, the last up to the page's end in whole segments");
                assertTrue(gate.requests().stream().noneMatch(r -> r.length() == 16 * 1024 && r.offset() == 16 * 1024),
                        "the page's last block was asked for again in full: the short one did not complete the piece");
            }
        }
    }
}
