package org.bitweb.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's request pools under load, as issue 12 met it: slow calls in flight must not hold
 * up quick ones. The slow handler here blocks until the test lets it go, so "in flight" is a
 * fact, not a timing.
 */
class RequestPoolsTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    SessionHarness harness;

    Dispatcher dispatcher() {
        return new Dispatcher()
                .add(Action.slow("block", (request, session) -> {
                    running.incrementAndGet();
                    try {
                        if (!release.await(30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                        }
                    } finally {
                        running.decrementAndGet();
                    }
                    return "released";
                }))
                .add(Action.quick("ping", (request, session) -> "pong"));
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        if (harness != null) {
            harness.close();
            assertEquals(java.util.List.of(), harness.thrown);
        }
    }

    long replies(String data) {
        return harness.replies.messages().stream().filter(m -> m.path("data").asText().equals(data)).count();
    }

    @Test
    void quickCallsAnswerWhileTwiceAsManySlowCallsAsSlowThreadsAreInFlight() throws IOException {
        harness = new SessionHarness(dispatcher(), Frames.DEFAULT_MAX_INCOMING, RequestPools.start());
        int slowCalls = 2 * RequestPools.SLOW_THREADS;
        for (int id = 1; id <= slowCalls; id++) {
            harness.request("{\"id\":" + id + ",\"action\":\"block\"}");
        }
        org.bitweb.testing.Await.until("every slow thread busy", WAIT, () -> running.get() == RequestPools.SLOW_THREADS);

        for (int id = 1001; id <= 1000 + 3 * RequestPools.QUICK_THREADS; id++) {
            harness.request("{\"id\":" + id + ",\"action\":\"ping\"}");
            JsonNode reply = harness.replies.reply(id, WAIT);
            assertEquals("pong", reply.path("data").asText(), reply.toString());
        }
        assertEquals(0, replies("released"), "every slow call is still in flight: the quick ones did not wait for them");
        assertEquals(RequestPools.SLOW_THREADS, running.get(), "the rest of the slow calls queue");

        release.countDown();
        harness.replies.await("a reply to every slow call", Duration.ofSeconds(30), m -> replies("released") == slowCalls);
        assertEquals(slowCalls, replies("released"));
    }

    @Test
    void slowCallsRunSideBySideUpToTheSlowPoolsSize() throws IOException {
        // the pool this replaces never grew past two threads: its queue was unbounded
        harness = new SessionHarness(dispatcher(), Frames.DEFAULT_MAX_INCOMING, RequestPools.start());
        for (int id = 1; id <= RequestPools.SLOW_THREADS; id++) {
            harness.request("{\"id\":" + id + ",\"action\":\"block\"}");
        }
        org.bitweb.testing.Await.until(RequestPools.SLOW_THREADS + " slow calls running at once", WAIT,
                () -> running.get() == RequestPools.SLOW_THREADS);
        assertTrue(RequestPools.SLOW_THREADS > 2);
    }

    @Test
    void aClosedPoolAnswersThatTheEngineIsStopping() throws IOException {
        RequestPools pools = RequestPools.start();
        harness = new SessionHarness(dispatcher(), Frames.DEFAULT_MAX_INCOMING, pools);
        pools.close();
        harness.request("{\"id\":1,\"action\":\"ping\"}");
        JsonNode reply = harness.replies.reply(1, WAIT);
        assertEquals(ErrorCode.INTERNAL.code(), reply.path("error").path("code").asInt(), reply.toString());
        assertTrue(reply.path("error").path("message").asText().contains("shutting down"), reply.toString());
    }
}
