package org.bitweb.bt;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.fetch.SwarmFetchTest;
import org.bitweb.gateway.SiteSource;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A site's lookup tells the peer "interested" while the metadata is still on its way, so the
 * peer's unchoke comes back with the metadata instead of a round trip after it (issue 16). Two
 * real engines on loopback, with a relay between them that holds back everything the seeder
 * sends after its handshakes and bitfield (the metadata among it) until the visitor has said
 * "interested", or for {@link Gate#HOLD}. A visitor that waits for the metadata before saying
 * it gets the metadata only once the hold runs out, and the test fails.
 */
@Timeout(90)
class MetadataEarlyInterestTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path temp;

    @Test
    void aLookupSaysInterestedBeforeTheMetadataArrivesAndThePageComes() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("site"));
        Files.writeString(folder.resolve("index.html"), "<h1>early</h1>");
        Files.write(folder.resolve("big.bin"), new byte[3 << 20]);
        EngineOptions options = new EngineOptions(0, 0, LOOPBACK);
        try (Engine seeder = Engine.start(new StateDir(temp.resolve("seeder")), options);
             Engine visitor = Engine.start(new StateDir(temp.resolve("visitor")), options)) {
            SiteAddress site = new SiteAddress(SiteAddress.Kind.INFOHASH,
                    seeder.publish(folder, Publisher.Progress.NONE).address());
            try (Gate gate = new Gate(new InetSocketAddress(LOOPBACK, seeder.peerPort()))) {
                assertInstanceOf(SiteSource.Lookup.Ready.class,
                        visitor.fetch(site, List.of(gate.address()), Duration.ofSeconds(45)));
                String page = SwarmFetchTest.get(visitor.gatewayPort(), site.host(), "/");
                assertTrue(page.endsWith("<h1>early</h1>"), page);
                assertTrue(gate.interestedBeforeMetadata.get(),
                        "the visitor said \"interested\" only after the metadata came (or never)");
            }
        }
    }

    /** One connection's relay; what the seeder sends after its bitfield waits for the visitor's "interested". */
    static final class Gate implements AutoCloseable {
        static final Duration HOLD = Duration.ofSeconds(8);
        private static final int HANDSHAKE = 68;
        private static final int INTERESTED = 2;
        private static final int EXTENDED = 20;

        final AtomicBoolean interestedBeforeMetadata = new AtomicBoolean();
        private final CountDownLatch interested = new CountDownLatch(1);
        private final AtomicBoolean released = new AtomicBoolean();
        private final ServerSocket server;
        private final InetSocketAddress seeder;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Gate(InetSocketAddress seeder) throws IOException {
            this.seeder = seeder;
            server = new ServerSocket(0, 5, LOOPBACK);
            Thread acceptor = new Thread(this::accept, "gate-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(LOOPBACK, server.getLocalPort());
        }

        private void accept() {
            try {
                while (!server.isClosed()) {
                    Socket visitor = server.accept();
                    Socket upstream = new Socket(seeder.getAddress(), seeder.getPort());
                    sockets.add(visitor);
                    sockets.add(upstream);
                    start("gate-up", () -> fromVisitor(visitor.getInputStream(), upstream.getOutputStream()));
                    start("gate-down", () -> fromSeeder(upstream.getInputStream(), visitor.getOutputStream()));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void start(String name, IoTask task) {
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } catch (IOException | InterruptedException e) {
                    // a side closed
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        interface IoTask {
            void run() throws IOException, InterruptedException;
        }

        /** Passes everything on, noting the visitor's "interested". */
        private void fromVisitor(InputStream in, OutputStream out) throws IOException {
            DataInputStream data = new DataInputStream(in);
            byte[] handshake = data.readNBytes(HANDSHAKE);
            out.write(handshake);
            out.flush();
            while (true) {
                byte[] frame = frame(data);
                if (frame.length == 5 && frame[4] == INTERESTED) {
                    if (!released.get()) {
                        interestedBeforeMetadata.set(true);
                    }
                    interested.countDown();
                }
                out.write(frame);
                out.flush();
            }
        }

        /** Holds the first extended message that is not a handshake (and all after it) until "interested". */
        private void fromSeeder(InputStream in, OutputStream out) throws IOException, InterruptedException {
            DataInputStream data = new DataInputStream(in);
            out.write(data.readNBytes(HANDSHAKE));
            out.flush();
            while (true) {
                byte[] frame = frame(data);
                boolean extendedNotHandshake = frame.length > 5 && frame[4] == EXTENDED && frame[5] != 0;
                if (extendedNotHandshake && !released.get()) {
                    interested.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
                    released.set(true);
                }
                out.write(frame);
                out.flush();
            }
        }

        /** One length-prefixed message, prefix included. */
        private static byte[] frame(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0 || length > (1 << 20)) {
                throw new IOException("bad frame length " + length);
            }
            byte[] frame = new byte[4 + length];
            frame[0] = (byte) (length >>> 24);
            frame[1] = (byte) (length >>> 16);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            in.readFully(frame, 4, length);
            return frame;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
