package org.bitweb.bt;

import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder.LifecycleEvent;
import bt.service.RuntimeLifecycleBinder;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive loop that replaces bt's: registers at once, reads, waits for room, stops reading when deactivated. */
@Timeout(30)
class ReceiveLoopTest {
    private final RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
    private ReceiveLoop loop;
    private final Bandwidth bandwidth = new Bandwidth();
    private ServerSocketChannel server;

    @BeforeEach
    void start() throws IOException {
        loop = new ReceiveLoop(lifecycle, new Config(), bandwidth, new MeteredPipelines(null, null, bandwidth));
        lifecycle.visitBindings(LifecycleEvent.STARTUP, b -> b.getRunnable().run());
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, b -> b.getRunnable().run());
        server.close();
    }

    /** Waits until the loop's thread blocks in select(), where a registration must wake it. */
    private static void awaitLoopInSelect() {
        Await.until("the receive loop waits in select()", Duration.ofSeconds(5), () ->
                Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName().endsWith(".bitweb.receive")
                        && Arrays.stream(e.getValue()).anyMatch(frame -> frame.getClassName().contains("SelectorImpl")
                        && frame.getMethodName().equals("select"))));
    }

    /** A connected pair: [0] is what the loop reads, [1] the peer writing to it. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel peer = SocketChannel.open(server.getLocalAddress());
        SocketChannel ours = server.accept();
        ours.configureBlocking(false);
        return new SocketChannel[]{ours, peer};
    }

    @Test
    void connectionsRegisteredWhileTheLoopWaitsAreReadAtOnceWithNagleOff() throws Exception {
        for (int i = 0; i < 20; i++) {
            awaitLoopInSelect();
            SocketChannel[] c = pair();
            Reader reader = new Reader(c[0], Integer.MAX_VALUE);
            loop.registerChannel(c[0], reader);
            c[1].write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            // bt's loop took 0.5-3.5 s of spinning per registration; how fast ours is, bench/ measures
            assertNotNull(reader.reads.poll(5, TimeUnit.SECONDS), "read after registering");
            assertTrue(c[0].getOption(StandardSocketOptions.TCP_NODELAY));
            c[0].close();
            c[1].close();
        }
    }

    @Test
    void aConnectionWithAFullBufferIsReadAgainWhenItHasRoom() throws Exception {
        SocketChannel[] c = pair();
        Reader reader = new Reader(c[0], 2); // two reads find no room
        loop.registerChannel(c[0], reader);
        c[1].write(ByteBuffer.wrap(new byte[100]));
        for (int i = 0; i < 3; i++) {
            assertNotNull(reader.reads.poll(5, TimeUnit.SECONDS), "read " + i);
        }
        assertEquals(100, reader.bytes.get());
        c[1].write(ByteBuffer.wrap(new byte[10]));
        assertNotNull(reader.reads.poll(5, TimeUnit.SECONDS), "selected again once it had room");
        assertEquals(110, reader.bytes.get());
    }

    @Test
    void aDeactivatedConnectionIsNotReadUntilActivated() throws Exception {
        SocketChannel[] c = pair();
        Reader reader = new Reader(c[0], Integer.MAX_VALUE);
        loop.registerChannel(c[0], reader);
        loop.deactivateChannel(c[0]);
        Await.until("the loop applied the deactivation", Duration.ofSeconds(5), () -> loop.interestOps(c[0]) == 0);
        c[1].write(ByteBuffer.wrap(new byte[5]));
        assertNull(reader.reads.poll(300, TimeUnit.MILLISECONDS));
        loop.activateChannel(c[0]);
        assertNotNull(reader.reads.poll(5, TimeUnit.SECONDS));
        assertEquals(5, reader.bytes.get());
    }

    @Test
    void aConnectionAtItsEndIsNotReadAgainAndAgain() throws Exception {
        SocketChannel[] c = pair();
        Reader reader = new Reader(c[0], Integer.MAX_VALUE);
        loop.registerChannel(c[0], reader);
        c[1].close(); // bt closes its side only later: until then the socket stays readable at EOF
        assertEquals(-1, reader.reads.poll(5, TimeUnit.SECONDS), "the end is read");
        assertNull(reader.reads.poll(300, TimeUnit.MILLISECONDS), "then the loop leaves it alone instead of spinning on it");
    }

    /** Reads everything, except that its first {@code full} reads find the buffer full. */
    private static final class Reader implements ChannelHandlerContext {
        final BlockingQueue<Integer> reads = new LinkedBlockingQueue<>();
        final AtomicInteger bytes = new AtomicInteger();
        private final SocketChannel channel;
        private int full;

        Reader(SocketChannel channel, int full) {
            this.channel = channel;
            this.full = full == Integer.MAX_VALUE ? 0 : full;
        }

        @Override
        public boolean readFromChannel() throws IOException {
            if (full > 0) {
                full--;
                reads.add(0);
                return false;
            }
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            int n;
            int total = 0;
            while ((n = channel.read(buffer)) > 0) {
                total += n;
                buffer.clear();
            }
            if (n < 0) {
                reads.add(-1);
                throw new java.io.EOFException(); // as bt's SocketChannelHandler does
            }
            bytes.addAndGet(total);
            reads.add(total);
            return true;
        }

        @Override
        public ChannelPipeline pipeline() {
            return null; // not one of MeteredPipelines': its reads are not metered
        }

        @Override
        public void fireChannelRegistered() {
        }

        @Override
        public void fireChannelUnregistered() {
        }

        @Override
        public void fireChannelActive() {
        }

        @Override
        public void fireChannelInactive() {
        }

        @Override
        public void fireDataReceived() {
        }
    }
}
