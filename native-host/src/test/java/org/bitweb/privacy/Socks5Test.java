package org.bitweb.privacy;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.site.Publisher;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With a SOCKS5 proxy set, every peer connection goes through it, and none goes around it. */
@Timeout(90)
class Socks5Test {
    @TempDir
    Path temp;
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /**
     * A minimal SOCKS5 server (no authentication, CONNECT only) that records every target and
     * connects out from 127.0.0.2, so the other side can tell proxied connections from direct ones.
     */
    static final class RecordingSocks5 implements AutoCloseable {
        final List<InetSocketAddress> targets = new CopyOnWriteArrayList<>();
        private final ServerSocket server;

        RecordingSocks5() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        new Thread(() -> relay(client)).start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        private void relay(Socket client) {
            try (client) {
                DataInputStream in = new DataInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream();
                in.readUnsignedByte();
                in.readNBytes(in.readUnsignedByte());
                out.write(new byte[] {5, 0});
                byte[] head = in.readNBytes(4);
                byte[] address = in.readNBytes(head[3] == 1 ? 4 : 16);
                int port = in.readUnsignedShort();
                InetSocketAddress target = new InetSocketAddress(InetAddress.getByAddress(address), port);
                targets.add(target);
                try (Socket upstream = new Socket(target.getAddress(), port, InetAddress.getByName("127.0.0.2"), 0)) {
                    out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 2, 0, 0});
                    Thread back = new Thread(() -> pump(upstream, client));
                    back.setDaemon(true);
                    back.start();
                    pump(client, upstream);
                }
            } catch (IOException ignored) {
                // a side hung up
            }
        }

        private static void pump(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                in.transferTo(to.getOutputStream());
            } catch (IOException ignored) {
                // a side hung up
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void everyPeerConnectionGoesThroughTheProxy() throws Exception {
        RecordingSocks5 proxy = new RecordingSocks5();
        toClose.add(proxy);
        Path folder = Files.createDirectories(temp.resolve("site"));
        byte[] data = new byte[700_000];
        new java.util.Random(1).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        Files.writeString(folder.resolve("index.html"), "<p>through the proxy</p>");
        Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        toClose.add(0, seeder);
        SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH, seeder.publish(folder, Publisher.Progress.NONE).address());

        Engine visitor = Engine.start(new StateDir(temp.resolve("visitor")),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()).withSocks5Proxy(proxy.address()));
        toClose.add(0, visitor);
        assertTrue(visitor.dht().isEmpty(), "no DHT through a SOCKS proxy");
        InetSocketAddress seederPeer = new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.peerPort());
        assertInstanceOf(SiteSource.Lookup.Ready.class, visitor.fetch(site, List.of(seederPeer), Duration.ofSeconds(45)));
        assertArrayEquals(data, SwarmFetchTest.getBytes(visitor.gatewayPort(), site.host(), "/data.bin", null));

        assertTrue(proxy.targets.contains(seederPeer), "the proxy carried the connection: " + proxy.targets);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (seeder.peerAddresses(site.hex()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50); // the seeder reports its peers about once a second; bounded by the deadline
        }
        Set<InetAddress> seen = seeder.peerAddresses(site.hex());
        assertFalse(seen.isEmpty(), "the seeder saw its peer");
        assertEquals(Set.of(InetAddress.getByName("127.0.0.2")), seen, "only the proxy's address, never the visitor's own");
    }
}
