package org.bitweb.bt;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteView;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The message loop sleeps without a timeout while an engine has no peer connection (bt's woke
 * every millisecond), wakes for the first connection, and sleeps again once it closed.
 */
@Timeout(120)
class MessageLoopTest {
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

    /** The engine's message loop thread. */
    private static Thread loopOf(Engine engine) {
        String name = engine.peerPort() + ".bitweb.messages";
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** Waiting with no timeout (Thread.State.WAITING), not in a timed sleep between polls. */
    private static void awaitAsleep(Engine engine, String when) {
        Thread loop = loopOf(engine);
        Await.until("the message loop sleeps without a timeout " + when, Duration.ofSeconds(20),
                () -> loop.getState() == Thread.State.WAITING);
    }

    @Test
    void sleepsWithoutConnectionsWakesForOneAndSleepsAgainWhenItCloses() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>quiet</h1>");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        publisher = Engine.start(new StateDir(temp.resolve("a")), new EngineOptions(0, 0, loopback).withLanDiscovery(false));
        SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, publisher.publish(folder, Publisher.Progress.NONE).address());
        awaitAsleep(publisher, "while seeding a site nobody is connected to");

        visitor = Engine.start(new StateDir(temp.resolve("b")), new EngineOptions(0, 0, loopback,
                Duration.ofSeconds(30), Duration.ofSeconds(30)).withLanDiscovery(false));
        awaitAsleep(visitor, "in a fresh engine");
        List<InetSocketAddress> peer = List.of(new InetSocketAddress(loopback, publisher.peerPort()));
        SiteSource.Lookup lookup = visitor.fetch(site, peer, Duration.ofSeconds(30));
        assertInstanceOf(SiteSource.Lookup.Ready.class, lookup, () -> "not ready: " + lookup);
        SiteView view = ((SiteSource.Lookup.Ready) lookup).view();
        SiteView.FileEntry entry = view.file("index.html").orElseThrow();
        try (InputStream in = view.open(entry, 0, entry.length())) {
            assertEquals("<h1>quiet</h1>", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        visitor.close();
        visitor = null;
        // the publisher's pool drops the closed connection; its consumer and supplier go with it
        awaitAsleep(publisher, "once its only connection closed");
    }
}
