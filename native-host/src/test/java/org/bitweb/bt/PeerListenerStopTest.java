package org.bitweb.bt;

import bt.module.PeerConnectionSelector;
import bt.net.ConnectionRoutine;
import bt.net.IPeerConnectionFactory;
import bt.net.SharedSelector;
import bt.net.SocketChannelConnectionAcceptor;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

/**
 * bt's acceptor loop logs whatever our acceptor throws as an "unexpected error" and stops. When the
 * engine stops, its socket and bt's listener close in either order (bt stops its services on
 * threads of its own): both orders must end the loop without an error, and only a socket that
 * closes while bt goes on is one.
 */
@Timeout(30)
class PeerListenerStopTest {
    private PeerListener listener;
    private SocketChannelConnectionAcceptor acceptor;
    private SharedSelector selector;

    @BeforeEach
    void bind() throws Exception {
        listener = PeerListener.bind(InetAddress.getLoopbackAddress(), 0);
        selector = new SharedSelector(Selector.open());
        // the peer connection factory is only used for an accepted connection, which these tests never have
        acceptor = Guice.createInjector(listener.module(), new AbstractModule() {
            @Override
            protected void configure() {
                bind(SharedSelector.class).annotatedWith(PeerConnectionSelector.class).toInstance(selector);
                bind(IPeerConnectionFactory.class).toInstance(mock(IPeerConnectionFactory.class));
            }
        }).getInstance(SocketChannelConnectionAcceptor.class);
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
        selector.close();
    }

    @Test
    void btStoppingFirstEndsTheLoopQuietly() throws Exception {
        Thread[] loop = new Thread[1];
        CompletableFuture<ConnectionRoutine> accepted = acceptOnAThread(loop);
        btStops(loop[0], accepted);
    }

    @Test
    void theEngineClosingTheSocketFirstWaitsForBtsStop() throws Exception {
        Thread[] loop = new Thread[1];
        CompletableFuture<ConnectionRoutine> accepted = acceptOnAThread(loop);
        listener.close();
        // still waiting for bt's stop, not failing: what bt would log as an error
        Thread.sleep(200); // a moment in which a failure would have been thrown; bounded by the grace below
        assertFalse(accepted.isDone(), "the acceptor waits for bt's stop instead of failing");
        btStops(loop[0], accepted);
    }

    /** bt's stop (its flag, then shutdownNow on the acceptor's pool): the acceptor returns a routine that connects nothing. */
    private static void btStops(Thread loop, CompletableFuture<ConnectionRoutine> accepted) throws Exception {
        loop.interrupt();
        ConnectionRoutine routine = accepted.get(10, TimeUnit.SECONDS);
        assertFalse(routine.establish().isSuccess(), "the routine connects nothing");
    }

    @Test
    void aSocketClosedWhileBtGoesOnIsAnError() throws Exception {
        Thread[] loop = new Thread[1];
        CompletableFuture<ConnectionRoutine> accepted = acceptOnAThread(loop);
        listener.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> accepted.get(PeerListener.CLOSE_GRACE_MS + 10_000, TimeUnit.MILLISECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("did not stop"), e.getCause().getMessage());
    }

    /** Starts bt's side: a thread blocked in accept(), returned once it is. */
    private CompletableFuture<ConnectionRoutine> acceptOnAThread(Thread[] thread) throws InterruptedException {
        CompletableFuture<ConnectionRoutine> result = new CompletableFuture<>();
        thread[0] = new Thread(() -> {
            try {
                result.complete(acceptor.accept());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "test-acceptor");
        thread[0].start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!inAccept(thread[0]) && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling the thread's state, up to a deadline
        }
        assertTrue(inAccept(thread[0]), "the acceptor blocks in accept()");
        return result;
    }

    private static boolean inAccept(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().equals("accept")
                && f.getClassName().contains("ServerSocketChannel"));
    }
}
