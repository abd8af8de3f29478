package org.bitweb.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the engine makes threads and executors, so that nothing a thread throws goes
 * unseen: threads are named, their uncaught exceptions are logged, and executors log what a task
 * threw even when it ran through {@code submit} or {@code schedule}, where Java keeps the
 * exception in a {@link Future} that nobody may ever read (a periodic task that throws is also
 * never run again: that is logged too, since the task silently stops).
 *
 * <pre>{@code
 * ScheduledThreadPoolExecutor timer = Threads.scheduler("maintenance", 1);
 * ExecutorService work = Threads.singleThread("key-sites-seeding");
 * Thread loop = Threads.thread("control-accept", true, this::acceptLoop);
 * }</pre>
 *
 * All threads made here are daemon threads unless asked otherwise: the engine stops its work
 * explicitly, and a forgotten executor must not keep the JVM alive.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    /** Names threads {@code name-1}, {@code name-2} ...; logs what they do not catch. */
    public static ThreadFactory factory(String name, boolean daemon) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> thread(name + "-" + count.incrementAndGet(), daemon, runnable);
    }

    /** A thread (not started) called {@code name} that logs whatever it does not catch. */
    public static Thread thread(String name, boolean daemon, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(daemon);
        thread.setUncaughtExceptionHandler(Threads::uncaught);
        return thread;
    }

    /** One daemon thread running tasks in order. */
    public static ExecutorService singleThread(String name) {
        return pool(name, 1, 1, Duration.ZERO);
    }

    /**
     * A pool of {@code core} to {@code max} daemon threads and an unbounded queue (so it never grows
     * past {@code core}: give both the same number). Threads idle for {@code keepAlive} end, core
     * ones too; {@link Duration#ZERO} keeps them.
     */
    public static ExecutorService pool(String name, int core, int max, Duration keepAlive) {
        LoggingPool pool = new LoggingPool(name, core, max, keepAlive);
        if (!keepAlive.isZero()) {
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    /**
     * A pool that makes a thread whenever a task finds none idle, as many as there are tasks at
     * once (as {@code Executors.newCachedThreadPool}), and lets each go after {@code keepAlive}
     * idle: for work that comes in bursts, such as bt starting every site at once.
     */
    public static ExecutorService onDemand(String name, Duration keepAlive) {
        return new LoggingPool(name, 0, Integer.MAX_VALUE, keepAlive, new SynchronousQueue<>());
    }

    /** A scheduler with {@code threads} daemon threads; cancelled tasks are removed from its queue at once. */
    public static ScheduledThreadPoolExecutor scheduler(String name, int threads) {
        return new LoggingScheduler(name, threads);
    }

    private static void uncaught(Thread thread, Throwable error) {
        LOG.error("Uncaught exception on thread {}", thread.getName(), error);
    }

    /**
     * Logs the exception a task of {@code executor} left in its future ({@code submit},
     * {@code schedule}). What a task run by {@code execute} throws ends its thread, and the thread's
     * handler logs it.
     */
    static void afterTask(String executor, Runnable task) {
        Throwable error = null;
        if (task instanceof Future<?> future && future.isDone()) {
            try {
                future.get();
            } catch (CancellationException cancelled) {
                return;
            } catch (ExecutionException e) {
                error = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (error != null) {
            boolean periodic = task instanceof java.util.concurrent.RunnableScheduledFuture<?> scheduled && scheduled.isPeriodic();
            LOG.error("A task on {} failed{}", executor, periodic ? " and will not run again" : "", error);
        }
    }

    private static final class LoggingPool extends ThreadPoolExecutor {
        private final String name;

        LoggingPool(String name, int core, int max, Duration keepAlive) {
            this(name, core, max, keepAlive, new LinkedBlockingQueue<>());
        }

        LoggingPool(String name, int core, int max, Duration keepAlive, BlockingQueue<Runnable> queue) {
            super(core, max, keepAlive.toNanos(), TimeUnit.NANOSECONDS, queue, factory(name, true));
            this.name = name;
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            super.afterExecute(task, thrown);
            afterTask(name, task);
        }
    }

    private static final class LoggingScheduler extends ScheduledThreadPoolExecutor {
        private final String name;

        LoggingScheduler(String name, int threads) {
            super(threads, factory(name, true));
            this.name = name;
            setRemoveOnCancelPolicy(true);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            super.afterExecute(task, thrown);
            afterTask(name, task);
        }
    }
}
