package org.bitweb.messaging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where requests run, off the sessions' reading threads: one pool per {@link Action.Lane}, so a
 * quick action never queues behind slow ones, however many slow ones are in flight. Each pool
 * runs up to its number of threads at once and queues the rest; idle threads end after
 * {@value #IDLE_SECONDS} s. (A ThreadPoolExecutor with a smaller core size and an unbounded
 * queue never grows past the core size: that is how the engine once answered everything on two
 * threads, and {@code sites.list} waited 29.7 s behind slow calls, issue 12.)
 */
public final class RequestPools implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestPools.class);
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
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    // Session answers every failure itself; anything that still escapes is a bug to see
                    thread.setUncaughtExceptionHandler((t, e) -> log.error("uncaught on {}", t.getName(), e));
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
