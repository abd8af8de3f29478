package org.bitweb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.discovery.PeerHintPolicy;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 5, through the protocol as the extension sends it: a page's magnet link names
 * peers ({@code x.pe}), and the engine must not dial this machine or its networks for it. A
 * loopback service stands for what a page would probe (the router, a printer, a database).
 * Only loopback addresses appear here: a test never makes the engine dial a LAN or the internet.
 */
@Timeout(90)
class PeerHintsProtocolTest {
    private static final Duration CONNECT = Duration.ofSeconds(30);

    @TempDir
    Path temp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A TCP service on loopback that counts the connections made to it. */
    private static final class Service implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final Semaphore connected = new Semaphore(0);

        Service() throws IOException {
            Thread accepting = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        connections.incrementAndGet();
                        connected.release();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "test-service-" + socket.getLocalPort());
            accepting.setDaemon(true);
            accepting.start();
        }

        String hint() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        boolean awaitConnection(Duration timeout) throws InterruptedException {
            return connected.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private EngineClient engine(String name, EngineOptions options) throws Exception {
        StateDir state = new StateDir(temp.resolve(name));
        EngineDaemon daemon = EngineDaemon.start(state, options);
        open.add(daemon);
        daemons.add(daemon);
        EngineClient client = EngineClient.connect(state.socket());
        open.add(client);
        return client;
    }

    private final List<EngineDaemon> daemons = new ArrayList<>();

    private Service service() throws IOException {
        Service service = new Service();
        open.add(service);
        return service;
    }

    private static EngineOptions loopback() {
        return new EngineOptions(0, 0, InetAddress.getLoopbackAddress());
    }

    private static String madeUpSite(long seed) {
        byte[] ih = new byte[20];
        new Random(seed).nextBytes(ih);
        return HexFormat.of().formatHex(ih);
    }

    private static ObjectNode fetch(String site, String... hints) {
        StringBuilder magnet = new StringBuilder("magnet:?xt=urn:btih:" + site);
        for (String hint : hints) {
            magnet.append("&x.pe=").append(hint);
        }
        return Json.object().put("url", magnet.toString());
    }

    @Test
    void aPagesLinkCannotMakeTheEngineConnectToThisMachine() throws Exception {
        EngineClient client = engine("visitor", loopback());
        Service probed = service();
        Service typed = service(); // a peer the user typed (bitweb get --peer): the control that bt dials
        String site = madeUpSite(1);
        ObjectNode request = fetch(site, probed.hint(), "[::1]:" + probed.socket.getLocalPort(), "0.0.0.0:" + probed.socket.getLocalPort());
        request.putArray("peers").add(typed.hint());
        client.request("site.fetch", request);

        // the link's peers come first in what bt is handed: had they been let through, they were dialled by now
        assertTrue(typed.awaitConnection(CONNECT), "the engine dials the peers it was given");
        List<InetSocketAddress> onlyTyped = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), typed.socket.getLocalPort()));
        assertEquals(onlyTyped, daemons.get(0).engine().fetches().hints(site), "only the peer the user typed is held for the site");
        assertEquals(0, probed.connections.get(), "the service a page named was not connected to");
        // a page's script repeating the click changes nothing
        client.request("site.fetch", fetch(site, probed.hint()));
        assertEquals(onlyTyped, daemons.get(0).engine().fetches().hints(site));
    }

    @Test
    void aTestnetOnOneMachineNamesLoopbackPeersWithTheEngineOption() throws Exception {
        EngineClient client = engine("visitor", loopback().withLocalPeerHints(true));
        Service peer = service();
        client.request("site.fetch", fetch(madeUpSite(2), peer.hint()));
        assertTrue(peer.awaitConnection(CONNECT), "with --local-peer-hints a link's loopback peer is dialled");
    }

    @Test
    void aPageThatCameFromThisMachineMayNameItsLoopbackPeers() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<a href='magnet:?...'>a site on the same testnet</a>");
        Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), loopback());
        open.add(seeder);
        String page = seeder.publish(folder, Publisher.Progress.NONE).address();
        EngineClient client = engine("visitor", loopback());
        ObjectNode visit = Json.object().put("url", "http://" + page + ".bitweb/").put("wait", CONNECT.toMillis());
        visit.putArray("peers").add("127.0.0.1:" + seeder.peerPort());
        JsonNode ready = client.request("site.fetch", visit);
        assertTrue(ready.path("ready").asBoolean(), ready.toString());

        Service peer = service();
        ObjectNode linked = fetch(madeUpSite(3), peer.hint()).put("from", page);
        client.request("site.fetch", linked);
        assertTrue(peer.awaitConnection(CONNECT), "a link on a page that came from loopback may name a loopback peer");
    }

    @Test
    void aRequestHandsTheEngineAHandfulOfPeersAtMost() throws Exception {
        EngineClient client = engine("visitor", loopback().withLocalPeerHints(true));
        String site = madeUpSite(4);
        String[] hints = new String[40];
        for (int i = 0; i < hints.length; i++) {
            hints[i] = "127.0.0." + (i + 1) + ":6881";
        }
        ObjectNode request = fetch(site, hints);
        var typed = request.putArray("peers");
        for (int i = 0; i < hints.length; i++) {
            typed.add("127.0.1." + (i + 1) + ":6881");
        }
        client.request("site.fetch", request);
        int held = daemons.get(0).engine().fetches().hints(site).size();
        assertEquals(PeerHintPolicy.MAX, held, "held for the site");
        for (int round = 0; round < 5; round++) {
            client.request("site.fetch", fetch(site, hints[round * 8], hints[round * 8 + 1]));
        }
        assertEquals(PeerHintPolicy.MAX, daemons.get(0).engine().fetches().hints(site).size(), "after more requests");
    }
}
