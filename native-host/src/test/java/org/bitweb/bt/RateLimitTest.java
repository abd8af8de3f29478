package org.bitweb.bt;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upload and download limits hold between two real engines on loopback, where the same transfer
 * takes well under a second without them. Only lower bounds on time are asserted (a loaded
 * machine can only make a transfer slower); bench/run.sh rates measures how close to the limit
 * a transfer runs.
 */
@Timeout(120)
class RateLimitTest {
    /** 1.5 MB at 192 KiB/s: at least 7 s limited, well under 1 s without a limit. */
    static final int SIZE = 1_500_000;
    static final long RATE = 192 * 1024;

    @TempDir
    Path temp;
    Engine publisher;
    Engine visitor;
    byte[] big;
    SiteAddress site;

    @BeforeEach
    void twoEngines() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>slow link</h1>");
        big = new byte[SIZE];
        new Random(11).nextBytes(big);
        Files.write(folder.resolve("big.bin"), big);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        publisher = Engine.start(new StateDir(temp.resolve("a")), new EngineOptions(0, 0, loopback).withLanDiscovery(false));
        site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
        visitor = Engine.start(new StateDir(temp.resolve("b")), new EngineOptions(0, 0, loopback,
                Duration.ofSeconds(60), Duration.ofSeconds(60)).withLanDiscovery(false));
    }

    @AfterEach
    void stop() {
        if (visitor != null) {
            visitor.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    /** Reads big.bin through the visitor's engine; returns the seconds it took from the first byte asked. */
    double readBigFile() throws IOException {
        List<InetSocketAddress> peer = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), publisher.peerPort()));
        SiteSource.Lookup lookup = visitor.fetch(site, peer, Duration.ofSeconds(45));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
        SiteView view = ((SiteSource.Lookup.Ready) lookup).view();
        SiteView.FileEntry entry = view.file("big.bin").orElseThrow();
        long start = System.nanoTime();
        byte[] read;
        try (InputStream in = view.open(entry, 0, entry.length())) {
            read = in.readAllBytes();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertArrayEquals(big, read);
        return seconds;
    }

    /**
     * The least time {@code bytes} can take at {@code rate}: a bucket's burst (a tenth of a
     * second's worth, at least two blocks), one more spend (a block going up; a read, at most a
     * connection's buffer, coming down, whose pause comes after it).
     */
    static double atLeast(long bytes, long rate) {
        long burst = Math.max(TokenBucket.MIN_BURST, rate / 10) + Tuning.NETWORK_BUFFER;
        return (double) (bytes - burst) / rate;
    }

    @Test
    void aSeederWithAnUploadLimitSendsNoFasterThanIt() throws IOException {
        publisher.bandwidth().limit(RATE, 0);
        double seconds = readBigFile();
        assertTrue(seconds >= atLeast(SIZE, RATE), "1.5 MB left in " + seconds + " s at " + RATE + " B/s");
        assertTrue(publisher.bandwidth().uploaded() >= SIZE, "the blocks went through the upload limit");
    }

    @Test
    void aPerSiteUploadLimitHoldsToo() throws IOException {
        publisher.bandwidth().limitSite(site.hex(), RATE, 0);
        double seconds = readBigFile();
        assertTrue(seconds >= atLeast(SIZE, RATE), "1.5 MB left in " + seconds + " s at " + RATE + " B/s");
    }

    /**
     * The visitor's limit holds its connection back; the peer is not taken for a slow one (its
     * piece clock restarts while our limit holds it), so pieces are not asked for twice.
     */
    @Test
    void aVisitorWithADownloadLimitReadsNoFasterThanItAndAsksForNothingTwice() throws IOException {
        visitor.bandwidth().limit(0, RATE);
        double seconds = readBigFile();
        assertTrue(seconds >= atLeast(SIZE, RATE), "1.5 MB came in " + seconds + " s at " + RATE + " B/s");
        long downloaded = visitor.bandwidth().downloaded();
        assertTrue(downloaded < SIZE * 1.2, downloaded + " bytes read for a 1.5 MB file: pieces were asked for again");
    }

    @Test
    void withoutLimitsTheSameFileTakesAFractionOfTheLimitedTime() throws IOException {
        double seconds = readBigFile();
        assertTrue(seconds < atLeast(SIZE, RATE) / 2, "unlimited, 1.5 MB took " + seconds + " s: the limits above prove nothing");
    }
}
