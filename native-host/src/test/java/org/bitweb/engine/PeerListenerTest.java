package org.bitweb.engine;

import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BitTorrent port is the engine's from the moment it starts, or the start fails saying so. */
@Timeout(60)
class PeerListenerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void anEngineWithNoSitesAlreadyListensOnItsPeerPort() throws IOException {
        try (Engine engine = Engine.start(new StateDir(temp.resolve("a")), new EngineOptions(0, 0, LOOPBACK))) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, engine.peerPort()), 5_000);
                assertTrue(socket.isConnected());
            }
        }
    }

    @Test
    void aTakenPeerPortFailsTheStartWithWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
            IOException e = assertThrows(IOException.class, () -> Engine.start(new StateDir(temp.resolve("b")),
                    new EngineOptions(0, taken.getLocalPort(), LOOPBACK)));
            assertTrue(e.getMessage().contains("is taken") && e.getMessage().contains("--peer-port 0"), e.getMessage());
        }
    }

    @Test
    void aClosedEngineGivesItsPortBack() throws IOException {
        int port;
        try (Engine engine = Engine.start(new StateDir(temp.resolve("c")), new EngineOptions(0, 0, LOOPBACK))) {
            port = engine.peerPort();
        }
        try (Engine again = Engine.start(new StateDir(temp.resolve("c")), new EngineOptions(0, port, LOOPBACK))) {
            assertTrue(again.peerPort() == port);
        }
    }
}
