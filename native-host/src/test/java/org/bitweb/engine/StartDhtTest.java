package org.bitweb.engine;

import org.bitweb.dht.DhtConfig;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DHT node starts on a thread of its own while bt's runtime is built (docs/TUNING.md, "A
 * visit that starts the engine"). Off the start's path, it must still be part of it: a node that
 * cannot start fails the start, saying why, with nothing left open; a node that starts is the
 * engine's, with the one announce budget every announcer on it shares.
 */
@Timeout(120)
class StartDhtTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void aDhtThatCannotStartFailsTheStartAndLeavesNothingOpen() throws Exception {
        int peerPort;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            peerPort = probe.getLocalPort();
        }
        try (DatagramSocket taken = new DatagramSocket(0, DhtConfig.anyAddress())) {
            EngineOptions options = new EngineOptions(0, peerPort, LOOPBACK)
                    .withDht(new DhtConfig(DhtConfig.anyAddress(), taken.getLocalPort(), List.of(), null));
            IOException failed = assertThrows(IOException.class, () -> Engine.start(new StateDir(temp.resolve("engine")), options));
            assertTrue(failed.getMessage().contains("for the DHT"), failed.getMessage());
        }
        new ServerSocket(peerPort, 1, LOOPBACK).close(); // the peer port was closed again
    }

    @Test
    void aStartedNodeIsTheEnginesWithOneAnnounceBudget() throws Exception {
        EngineOptions options = new EngineOptions(0, 0, LOOPBACK)
                .withDht(new DhtConfig(DhtConfig.anyAddress(), 0, List.of(), null));
        try (Engine engine = Engine.start(new StateDir(temp.resolve("engine")), options)) {
            var node = engine.dht().orElseThrow();
            assertTrue(node.localAddress().getPort() > 0);
            var peers = engine.swarm().dhtPeers.orElseThrow();
            assertSame(node.announceBudget(), peers.announceBudget(), "the torrents' announces take from the node's budget");
        }
    }
}
