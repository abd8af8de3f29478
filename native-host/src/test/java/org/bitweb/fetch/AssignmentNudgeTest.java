package org.bitweb.fetch;

import org.bitweb.bt.Tuning;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
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
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The next page of a site is fetched as soon as it is asked for, even when bt's assignment for the
 * peer was made while nothing was wanted. The test makes bt's piece timeout (which would
 * otherwise end such an assignment) far longer than the test may wait, so only the refill can
 * bring the page.
 */
@Timeout(120)
class AssignmentNudgeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    private Engine start(String name) throws IOException {
        // Tuning reads its properties when an engine starts: only these two engines see them
        System.setProperty("bitweb.bt.pieceTimeoutMillis", "600000");
        try {
            return Engine.start(new StateDir(temp.resolve(name)), new EngineOptions(0, 0, LOOPBACK));
        } finally {
            System.clearProperty("bitweb.bt.pieceTimeoutMillis");
        }
    }

    @Test
    void aPageAskedForWhileThePeerSatIdleArrivesWithoutWaitingForThePieceTimeout() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>first page</h1>");
        byte[][] pages = new byte[3][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new byte[100_000];
            new Random(i).nextBytes(pages[i]);
            Files.write(folder.resolve("page" + i + ".bin"), pages[i]);
        }
        try (Engine publisher = start("publisher"); Engine visitor = start("visitor")) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                    publisher.publish(folder, Publisher.Progress.NONE).address());
            assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site,
                    List.of(new InetSocketAddress(LOOPBACK, publisher.peerPort())), Duration.ofSeconds(45)));
            String first = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
            assertTrue(first.endsWith("<h1>first page</h1>"), first);
            // Each next page is asked for after the visitor went idle with its only peer: bt has
            // given that peer an assignment with nothing in it, which only the refill can fill.
            for (int i = 0; i < pages.length; i++) {
                int page = i;
                byte[] body = CompletableFuture.supplyAsync(() -> {
                    try {
                        return SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/page" + page + ".bin", null);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(30, TimeUnit.SECONDS);
                assertArrayEquals(pages[i], body, "page " + i);
            }
        }
    }
}
