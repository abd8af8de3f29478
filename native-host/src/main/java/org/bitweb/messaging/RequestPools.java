package org.bitweb.messaging;

import org.bitweb.log.Threads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where requests run, off the sessions' reading threads: one pool per {@link Action.Lane}, so a
 * quick action never queues behind slow ones, however many slow ones are in flight. Each pool
 * runs up to its number of threads at once and queues the rest; idle threads end after
 * {@value #IDLE_SECONDS} s. (A ThreadPoolExecutor with a smaller core size and an unbounded
 * queue never grows past the core size: that is how the engine once answered everything on two
 * threads, and {@code sites.list} waited 29.7 s behind slow calls, issue 12.)
 */
public final class RequestPools implements AutoCloseable {
    /** Quick actions answer from memory in well under a millisecond; a few threads serve many clients. */
    public static final int QUICK_THREADS = 4;
    /** Publishing, waiting for a site's file list (up to 30 s), a folder dialog, deleting a site: at once, up to this many. */
    public static final int SLOW_THREADS = 16;
    static final long IDLE_SECONDS = 30;

    private final ExecutorService quick;
    private final ExecutorService slow;

    private RequestPools(ExecutorService quick, ExecutorService slow) {
        this.quick = quick;
        this.slow = slow;
    }

    /** The engine's pools. */
    public static RequestPools start() {
        return new RequestPools(pool("request-quick", QUICK_THREADS), pool("request-slow", SLOW_THREADS));
    }

    /** Both lanes on one executor, for tests that drive a session step by step. */
    public static RequestPools sharing(ExecutorService executor) {
        return new RequestPools(executor, executor);
    }

    /** @throws RejectedExecutionException when the pools are closed (the engine is stopping) */
    void execute(Action.Lane lane, Runnable task) {
        (lane == Action.Lane.QUICK ? quick : slow).execute(task);
    }

    /** Stops both pools and interrupts what runs. */
    @Override
    public void close() {
        quick.shutdownNow();
        slow.shutdownNow();
    }

    private static ExecutorService pool(String name, int threads) {
        // Session answers every failure itself; anything that still escapes is logged by Threads
        return Threads.pool(name, threads, threads, java.time.Duration.ofSeconds(IDLE_SECONDS));
    }
}
