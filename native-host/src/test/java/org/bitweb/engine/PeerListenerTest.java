package org.bitweb.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.util.List;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // A port below the kernel's ephemeral range: a port the engine got for 0 is free again the
        // moment it closes, and any socket on the machine binding 0 or connecting out may be
        // handed it before the second start (seen once in CI as "port taken").
        int port = freePortBelowEphemeralRange();
        try (Engine engine = Engine.start(new StateDir(temp.resolve("c")), new EngineOptions(0, port, LOOPBACK))) {
            assertEquals(port, engine.peerPort());
        }
        try (Engine again = Engine.start(new StateDir(temp.resolve("c")), new EngineOptions(0, port, LOOPBACK))) {
            assertTrue(again.peerPort() == port);
        }
    }

    @Test
    void closingAnEngineStopsItsAcceptorWithoutAnError() throws Exception {
        // bt logs whatever its acceptor throws as an "unexpected error"; a normal stop must not
        // throw, so that what bt logs there is always worth reading
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger bt = (Logger) LoggerFactory.getLogger("bt.net.IncomingConnectionListener");
        bt.addAppender(log);
        try {
            List<Thread> acceptors;
            try (Engine engine = Engine.start(new StateDir(temp.resolve("d")), new EngineOptions(0, 0, LOOPBACK))) {
                // bt starts accepting with its first torrent
                Path site = java.nio.file.Files.createDirectories(temp.resolve("site"));
                java.nio.file.Files.writeString(site.resolve("index.html"), "<h1>hello</h1>");
                engine.publish(site, org.bitweb.site.Publisher.Progress.NONE);
                long deadline = System.nanoTime() + 10_000_000_000L;
                do {
                    acceptors = Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t.getName().contains(engine.peerPort() + ".bt.net.pool.incoming-acceptor")).toList();
                } while (acceptors.isEmpty() && System.nanoTime() < deadline && sleep());
                assertFalse(acceptors.isEmpty(), "bt's acceptor thread runs");
            }
            for (Thread acceptor : acceptors) {
                acceptor.join(10_000);
                assertFalse(acceptor.isAlive(), acceptor.getName() + " stopped with the engine");
            }
            assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy()).toList());
        } finally {
            bt.detachAppender(log);
        }
    }

    /** A port nobody holds now, from 20000 up to the ephemeral range, which only a bind naming it takes. */
    private static int freePortBelowEphemeralRange() throws IOException {
        int low = Integer.parseInt(java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .trim().split("\\s+")[0]);
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 200; tries++) {
            int port = 20_000 + random.nextInt(Math.max(1, low - 20_000));
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(LOOPBACK, port));
                return port;
            } catch (IOException taken) {
                // someone listens there; try another
            }
        }
        throw new IOException("no free port between 20000 and " + low);
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(10); // polling for a thread bt starts on its own, up to a deadline
        return true;
    }
}
