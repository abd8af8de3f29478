package org.bitweb.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nothing a thread or a task throws goes unlogged, however it was started. */
class ThreadsTest {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Threads.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    /** Waits (bounded) until something was logged. */
    private ILoggingEvent awaitLogged() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logged.list.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "nothing was logged");
            Thread.sleep(10);
        }
        return logged.list.get(0);
    }

    private static String thrown(ILoggingEvent event) {
        return event.getThrowableProxy() == null ? null : event.getThrowableProxy().getMessage();
    }

    @Test
    void aTaskSubmittedToAPoolLogsWhatItThrewThoughNobodyReadsItsFuture() throws Exception {
        ExecutorService pool = Threads.singleThread("unit-pool");
        try {
            pool.submit(() -> {
                throw new IllegalStateException("lost in a future");
            });
            ILoggingEvent event = awaitLogged();
            assertEquals("lost in a future", thrown(event));
            assertTrue(event.getFormattedMessage().contains("unit-pool"), event.getFormattedMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScheduledTaskAndAnExecutedOneLogWhatTheyThrew() throws Exception {
        ScheduledThreadPoolExecutor timer = Threads.scheduler("unit-timer", 1);
        try {
            timer.schedule(() -> {
                throw new IllegalArgumentException("scheduled");
            }, 1, TimeUnit.MILLISECONDS);
            assertEquals("scheduled", thrown(awaitLogged()));
            logged.list.clear();
            timer.execute(() -> {
                throw new NullPointerException("executed");
            });
            assertEquals("executed", thrown(awaitLogged()));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aPeriodicTaskThatThrowsIsLoggedAsStopped() throws Exception {
        ScheduledThreadPoolExecutor timer = Threads.scheduler("unit-periodic", 1);
        AtomicInteger runs = new AtomicInteger();
        try {
            timer.scheduleWithFixedDelay(() -> {
                if (runs.incrementAndGet() == 3) {
                    throw new IllegalStateException("third run");
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            ILoggingEvent event = awaitLogged();
            assertEquals("third run", thrown(event));
            assertTrue(event.getFormattedMessage().contains("will not run again"), event.getFormattedMessage());
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aPlainThreadIsNamedAndLogsWhatItDoesNotCatch() throws Exception {
        Thread thread = Threads.thread("unit-thread", true, () -> {
            throw new IllegalStateException("uncaught");
        });
        assertTrue(thread.isDaemon());
        thread.start();
        thread.join(5_000);
        ILoggingEvent event = awaitLogged();
        assertEquals("uncaught", thrown(event));
        assertTrue(event.getFormattedMessage().contains("unit-thread"));
    }

    @Test
    void tasksThatSucceedOrAreCancelledLogNothingAndThreadsAreNamed() throws Exception {
        ScheduledThreadPoolExecutor timer = Threads.scheduler("unit-quiet", 2);
        ExecutorService pool = Threads.pool("unit-quiet-pool", 1, 2, Duration.ofSeconds(1));
        try {
            AtomicReference<String> name = new AtomicReference<>();
            assertEquals(42, pool.submit(() -> {
                name.set(Thread.currentThread().getName());
                return 42;
            }).get(5, TimeUnit.SECONDS));
            assertEquals("unit-quiet-pool-1", name.get());
            CountDownLatch ran = new CountDownLatch(1);
            timer.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            ScheduledFuture<?> later = timer.schedule(() -> {
                throw new IllegalStateException("never runs");
            }, 1, TimeUnit.HOURS);
            later.cancel(false);
            assertEquals(0, timer.getQueue().size(), "a cancelled task leaves the queue at once");
            // a marker task: once it ran, everything before it on this one-thread pool has run too
            pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
            List<ILoggingEvent> events = List.copyOf(logged.list);
            assertTrue(events.isEmpty(), events.toString());
        } finally {
            timer.shutdownNow();
            pool.shutdownNow();
        }
    }
}
