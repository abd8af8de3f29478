package org.bitweb.messaging;

import org.bitweb.testing.WireFrames;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Session} running on its own thread over two OS pipes, as the engine runs one per
 * client: the test writes request bytes into one pipe and a collector reads every reply byte out
 * of the other. Anything the session or a handler throws instead of answering is recorded.
 */
final class SessionHarness implements AutoCloseable {
    final List<Throwable> thrown = new CopyOnWriteArrayList<>();
    /** The one executor both lanes share, or null when the session runs on real pools. */
    final ExecutorService executor;
    final RequestPools pools;
    final Session session;
    final WireFrames.Collector replies;
    private final Pipe in = Pipe.open();
    private final Pipe out = Pipe.open();
    private final OutputStream requests;
    private final Thread thread;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-requests");
        t.setDaemon(true);
        return t;
    });

    /** A session whose requests run on one small executor of its own. */
    SessionHarness(Dispatcher dispatcher, int maxIncoming) throws IOException {
        this(dispatcher, maxIncoming, null);
    }

    /** A session whose requests run on {@code pools} (the engine's own), which the harness closes. */
    SessionHarness(Dispatcher dispatcher, int maxIncoming, RequestPools pools) throws IOException {
        if (pools == null) {
            executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "test-handler");
                t.setDaemon(true);
                t.setUncaughtExceptionHandler((th, e) -> thrown.add(e));
                return t;
            });
            this.pools = RequestPools.sharing(executor);
        } else {
            executor = null;
            this.pools = pools;
        }
        session = new Session("test", Channels.newInputStream(in.source()), Channels.newOutputStream(out.sink()),
                dispatcher, this.pools, maxIncoming);
        requests = Channels.newOutputStream(in.sink());
        replies = new WireFrames.Collector(Channels.newInputStream(out.source()), "test-replies");
        thread = new Thread(() -> {
            try {
                session.run();
            } catch (Throwable e) {
                thrown.add(e);
            }
        }, "test-session");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Writes request bytes on a writer thread and waits for them to be taken, so a session that
     * stops reading (it died, or it wrongly ended) fails the test instead of hanging it.
     */
    void send(byte[] raw) throws IOException {
        Future<?> written = writer.submit(() -> {
            requests.write(raw);
            requests.flush();
            return null;
        });
        try {
            written.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the session stopped reading its input (alive: " + thread.isAlive()
                    + ", thrown: " + thrown + ")");
        } catch (ExecutionException e) {
            throw new IOException("cannot write to the session (alive: " + thread.isAlive()
                    + ", thrown: " + thrown + ")", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    void request(String json) throws IOException {
        send(WireFrames.frame(json));
    }

    /** The client hangs up: end of stream on the session's input. */
    void closeInput() throws IOException {
        in.sink().close();
    }

    boolean sessionThreadEnded() {
        return !thread.isAlive();
    }

    /**
     * Waits for the session thread and every handler to finish, then closes the reply pipe so the
     * collector has the complete stream.
     */
    byte[] finish(long millis) throws Exception {
        thread.join(millis);
        if (thread.isAlive()) {
            throw new AssertionError("the session did not end within " + millis + " ms after its input ended");
        }
        executor.shutdown(); // finish() is for sessions on one executor
        if (!executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("handlers still running after " + millis + " ms");
        }
        out.sink().close();
        replies.join(millis);
        return replies.bytes();
    }

    @Override
    public void close() throws IOException {
        pools.close();
        writer.shutdownNow();
        in.sink().close();
        in.source().close();
        out.sink().close();
        out.source().close();
    }

    /** Runs every task at once on the caller's thread, so a session over finite input is deterministic. */
    static final class Inline extends AbstractExecutorService {
        private volatile boolean shut;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shut = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shut = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shut;
        }

        @Override
        public boolean isTerminated() {
            return shut;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
