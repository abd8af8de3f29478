package org.bitweb.site;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real engines on loopback: a folder seeded in place reaches a visitor through bt, and an
 * older version of a republished folder is still seeded whole from the files it shares with the
 * newer one.
 */
@Timeout(120)
class InPlaceSeedingTest {
    @TempDir
    Path temp;
    Engine publisher;
    Engine visitor;

    @AfterEach
    void stop() {
        if (visitor != null) {
            visitor.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    void twoEngines(Duration stall) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        publisher = Engine.start(new StateDir(temp.resolve("a")), new EngineOptions(0, 0, loopback).withLanDiscovery(false));
        visitor = Engine.start(new StateDir(temp.resolve("b")), new EngineOptions(0, 0, loopback,
                Duration.ofSeconds(60), stall).withLanDiscovery(false));
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    SiteView visit(String infohash) {
        List<InetSocketAddress> peer = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), publisher.peerPort()));
        SiteSource.Lookup lookup = visitor.fetch(new SiteAddress(SiteAddress.Kind.INFOHASH, infohash), peer, Duration.ofSeconds(45));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
        return ((SiteSource.Lookup.Ready) lookup).view();
    }

    static byte[] read(SiteView view, String path) throws IOException {
        SiteView.FileEntry entry = view.file(path).orElseThrow();
        try (InputStream in = view.open(entry, 0, entry.length())) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFolderSeededInPlaceReachesAVisitorAndAnEditedFileReachesNobody() throws IOException {
        twoEngines(Duration.ofSeconds(4));
        Path folder = Files.createDirectories(temp.resolve("archive"));
        Files.writeString(folder.resolve("index.html"), "<h1>in place</h1>");
        Files.write(folder.resolve("a.bin"), random(800_000, 1));
        Files.write(folder.resolve("b.bin"), random(800_000, 2));
        String ih = publisher.publishInPlace(folder, Publisher.Progress.NONE).infohash();
        assertTrue(Files.notExists(publisher.stateDir().site(ih).resolve(SiteFiles.DATA)), "no copy in the store");

        SiteView view = visit(ih);
        assertArrayEquals(random(800_000, 1), read(view, "a.bin"), "bt uploaded the folder's bytes");

        byte[] edited = random(800_000, 2);
        edited[0] ^= 1;
        Files.write(folder.resolve("b.bin"), edited);
        Files.setLastModifiedTime(folder.resolve("b.bin"), FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        SiteView own = publisher.siteView(new SiteAddress(SiteAddress.Kind.INFOHASH, ih)).orElseThrow();
        assertThrows(IOException.class, () -> read(own, "b.bin"), "the publisher's gateway refuses it");
        assertThrows(IOException.class, () -> read(view, "b.bin"), "no peer gets it: the visitor's read stalls and fails");
        assertArrayEquals("<h1>in place</h1>".getBytes(), read(view, "index.html"));
    }

    @Test
    void anOlderVersionSharingFilesWithTheNewOneIsStillSeededWhole() throws IOException {
        twoEngines(Duration.ofSeconds(30));
        Path folder = Files.createDirectories(temp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>v1</h1>");
        Files.write(folder.resolve("big.bin"), random(2_000_000, 3));
        String v1 = publisher.publish(folder, Publisher.Progress.NONE).infohash();
        Files.writeString(folder.resolve("index.html"), "<h1>v2</h1>");
        String v2 = publisher.publish(folder, Publisher.Progress.NONE).infohash();

        SiteView old = visit(v1);
        assertArrayEquals(random(2_000_000, 3), read(old, "big.bin"));
        assertArrayEquals("<h1>v1</h1>".getBytes(), read(old, "index.html"));
        SiteView now = visit(v2);
        assertArrayEquals("<h1>v2</h1>".getBytes(), read(now, "index.html"));
    }
}
