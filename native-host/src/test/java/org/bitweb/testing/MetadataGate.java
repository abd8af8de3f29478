package org.bitweb.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay on loopback between a visitor and a seeder (one connection) that holds back what
 * the seeder sends from its first extended message that is not a handshake on (the metadata is
 * one) until it is released: by the visitor's "interested" ({@link #untilInterested}), or by the
 * test ({@link #untilReleased}, {@link #release}); at most for {@link #HOLD}. It notes the
 * visitor's block requests ({@link #requests}).
 */
public final class MetadataGate implements AutoCloseable {
    public static final Duration HOLD = Duration.ofSeconds(8);
    private static final int HANDSHAKE = 68;
    private static final int INTERESTED = 2;
    private static final int EXTENDED = 20;
    private static final int REQUEST = 6;

    /** A block request the visitor sent: piece, offset, length. */
    public record BlockRequest(int piece, int offset, int length) {
    }

    private final List<BlockRequest> requests = new CopyOnWriteArrayList<>();

    private final AtomicBoolean interestedBeforeMetadata = new AtomicBoolean();
    private final CountDownLatch interested = new CountDownLatch(1);
    private final CountDownLatch release;
    private final AtomicBoolean released = new AtomicBoolean();
    private final ServerSocket server;
    private final InetSocketAddress seeder;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private MetadataGate(InetSocketAddress seeder, boolean onInterest) throws IOException {
        this.seeder = seeder;
        this.release = onInterest ? interested : new CountDownLatch(1);
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "gate-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Releases the seeder's messages once the visitor said "interested". */
    public static MetadataGate untilInterested(InetSocketAddress seeder) throws IOException {
        return new MetadataGate(seeder, true);
    }

    /** Releases the seeder's messages once {@link #release} is called. */
    public static MetadataGate untilReleased(InetSocketAddress seeder) throws IOException {
        return new MetadataGate(seeder, false);
    }

    public void release() {
        release.countDown();
    }

    /** Whether the visitor said "interested" while the seeder's messages were held. */
    public boolean interestedBeforeMetadata() {
        return interestedBeforeMetadata.get();
    }

    /** The block requests the visitor sent, in order. */
    public List<BlockRequest> requests() {
        return List.copyOf(requests);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
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
            if (frame.length == 17 && frame[4] == REQUEST) {
                java.nio.ByteBuffer request = java.nio.ByteBuffer.wrap(frame, 5, 12);
                requests.add(new BlockRequest(request.getInt(), request.getInt(), request.getInt()));
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
                release.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
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
