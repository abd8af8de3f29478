package org.bitweb.cli;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bitweb get downloads from a known peer named in a magnet link, with no DHT at all. */
@Timeout(90)
class GetCommandTest {
    @TempDir
    Path temp;
    private Engine seeder;
    private Path source;
    private String infohash;

    @BeforeEach
    void seedASite() throws IOException {
        source = Files.createDirectories(temp.resolve("site/docs"));
        source = source.getParent();
        Files.writeString(source.resolve("index.html"), "<h1>get me</h1>");
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(data);
        Files.write(source.resolve("docs/data.bin"), data);
        seeder = Engine.start(new StateDir(temp.resolve("seeder")),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        infohash = seeder.publish(source, Publisher.Progress.NONE).address();
    }

    @AfterEach
    void stop() {
        seeder.close();
    }


    private String magnet() {
        return "magnet:?xt=urn:btih:" + infohash + "&x.pe=127.0.0.1:" + seeder.peerPort();
    }

    @Test
    void downloadsTheWholeSiteByteExact() throws IOException {
        Path output = temp.resolve("out");
        InProcess get = InProcess.run("--home", temp.resolve("visitor").toString(), "get", magnet(),
                "-o", output.toString(), "--peer-bind", "127.0.0.1");
        assertEquals(0, get.exit(), get.toString());
        assertArrayEquals(Files.readAllBytes(source.resolve("index.html")), Files.readAllBytes(output.resolve("index.html")));
        assertArrayEquals(Files.readAllBytes(source.resolve("docs/data.bin")), Files.readAllBytes(output.resolve("docs/data.bin")));
        assertTrue(get.out().contains("downloaded 2 files"), get.toString());
    }

    @Test
    void downloadsOnePathWithAPeerGivenOnTheCommandLine() throws IOException {
        Path output = temp.resolve("one");
        InProcess get = InProcess.run("--home", temp.resolve("visitor2").toString(), "get",
                "http://" + infohash + ".bitweb/index.html", "-o", output.toString(),
                "--peer", "127.0.0.1:" + seeder.peerPort(), "--peer-bind", "127.0.0.1");
        assertEquals(0, get.exit(), get.toString());
        assertEquals("<h1>get me</h1>", Files.readString(output.resolve("index.html")));
        assertFalse(Files.exists(output.resolve("docs")), "only the asked file is written");
    }

    @Test
    void aLinkWithNoReachablePeerFailsWithAHint() {
        InProcess get = InProcess.run("--home", temp.resolve("visitor3").toString(), "get",
                "0123456789abcdef0123456789abcdef01234567", "-o", temp.resolve("none").toString(),
                "--timeout", "2", "--peer-bind", "127.0.0.1");
        assertEquals(4, get.exit(), "exit code 4: timed out; " + get);
        assertTrue(get.err().contains("--peer"), get.toString());
        assertEquals(1, get.err().lines().filter(l -> l.startsWith("bitweb")).count(), get.toString());
    }

    @Test
    void aMalformedLinkIsAUsageError() {
        InProcess get = InProcess.run("--home", temp.resolve("visitor4").toString(), "get", "ftp://nope.bitweb/");
        assertEquals(2, get.exit(), get.toString());
        assertTrue(get.err().contains("not a bitweb link"), get.toString());
    }
}
