package org.bitweb.messaging;

import org.bitweb.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.testing.WireFrames;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A protocol session as the engine runs it for each client: every request gets exactly one reply
 * that names it, bad input gets a typed error with a stable number, and only broken framing ends
 * the session. The error numbers are spelled out: they are the wire contract with extensions
 * already installed, so a renumbering must fail here.
 */
class SessionTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int INTERNAL = 1;
    static final int BAD_JSON = 2;
    static final int BAD_REQUEST = 3;
    static final int UNKNOWN_ACTION = 4;
    static final int FRAME_TOO_LARGE = 5;
    static final int NOT_FOUND = 6;

    final CountDownLatch releaseSlow = new CountDownLatch(1);
    SessionHarness harness;

    Dispatcher dispatcher() {
        return new Dispatcher()
                .on("echo", (request, session) -> request.body())
                .on("text", (request, session) -> request.text("field"))
                .on("missing", (request, session) -> {
                    throw new ProtocolException(ErrorCode.NOT_FOUND, "no such thing: " + request.text("what"));
                })
                .on("boom", (request, session) -> {
                    throw new IllegalStateException("a bug in a handler");
                })
                .add(Action.slow("disk", (request, session) -> {
                    throw new java.io.IOException("the disk is full");
                }).whenIoFails(ErrorCode.NOT_FOUND))
                .on("progress", (request, session) -> {
                    for (int i = 1; i <= 3; i++) {
                        session.sendEvent("step", Json.object().put("n", i));
                    }
                    return "done";
                })
                .on("slow", (request, session) -> {
                    if (!releaseSlow.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    return "slow done";
                });
    }

    SessionHarness start(int maxIncoming) throws IOException {
        harness = new SessionHarness(dispatcher(), maxIncoming);
        return harness;
    }

    @BeforeEach
    void quiet() {
        // this class makes handlers fail on purpose; their error logs would only bury real output
        sessionLog().setLevel(Level.OFF);
        mappingLog().setLevel(Level.OFF);
    }

    static Logger sessionLog() {
        return (Logger) LoggerFactory.getLogger(Session.class);
    }

    static Logger mappingLog() {
        return (Logger) LoggerFactory.getLogger(ErrorMapping.class);
    }

    @AfterEach
    void stop() throws IOException {
        sessionLog().setLevel(null);
        mappingLog().setLevel(null);
        releaseSlow.countDown();
        if (harness != null) {
            harness.close();
            assertEquals(List.of(), harness.thrown, "the session or a handler threw instead of answering");
        }
    }

    /** Sends one frame and returns the one reply it gets (error replies to unparseable frames have no id). */
    JsonNode exchange(SessionHarness h, byte[] frameBody) throws IOException {
        int before = h.replies.messages().size();
        h.send(WireFrames.frame(frameBody));
        h.replies.await("a reply", WAIT, m -> h.replies.messages().size() > before);
        return h.replies.messages().get(before);
    }

    JsonNode exchange(SessionHarness h, String json) throws IOException {
        return exchange(h, json.getBytes(StandardCharsets.UTF_8));
    }

    static void assertError(JsonNode reply, int code) {
        assertFalse(reply.path("ok").asBoolean(true), "expected an error: " + reply);
        assertEquals(code, reply.path("error").path("code").asInt(), "error code in " + reply);
        assertTrue(reply.path("error").path("message").isTextual()
                && !reply.path("error").path("message").asText().isBlank(), "an error says what went wrong: " + reply);
    }

    @Test
    void aReplyEchoesTheIdAndActionOfItsRequest() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        for (String id : List.of("7", "\"abc\"", "3.5", "true", "-12")) {
            JsonNode reply = exchange(h, "{\"id\":" + id + ",\"action\":\"echo\",\"x\":[1,2]}");
            assertEquals(Json.MAPPER.readTree(id), reply.get("id"), "id of " + reply);
            assertEquals("echo", reply.path("action").asText());
            assertTrue(reply.path("ok").asBoolean());
            assertEquals(Json.MAPPER.readTree("[1,2]"), reply.path("data").path("x"));
        }
    }

    @Test
    void aRequestWithoutAnIdGetsANullIdAndAContainerIdIsNotEchoed() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode noId = exchange(h, "{\"action\":\"echo\"}");
        assertTrue(noId.has("id") && noId.get("id").isNull(), noId.toString());
        JsonNode objectId = exchange(h, "{\"id\":{\"a\":1},\"action\":\"echo\"}");
        assertTrue(objectId.get("id").isNull(), objectId.toString());
    }

    @Test
    void bytesThatAreNotUtf8AreBadJson() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        byte[] lone = "{\"id\":1,\"action\":\"echo\",\"x\":\"__\"}".getBytes(StandardCharsets.US_ASCII);
        int at = new String(lone, StandardCharsets.US_ASCII).indexOf("__");
        lone[at] = (byte) 0xff;          // never valid in UTF-8
        lone[at + 1] = (byte) 0xfe;
        assertError(exchange(h, lone), BAD_JSON);
        byte[] brokenPair = {'"', (byte) 0xc3, '(', '"'}; // a lead byte followed by a non-continuation byte
        assertError(exchange(h, brokenPair), BAD_JSON);
    }

    @Test
    void textThatIsNotJsonIsBadJson() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        assertError(exchange(h, "{\"id\":1,\"action\":"), BAD_JSON);
        assertError(exchange(h, "hello"), BAD_JSON);
        assertError(exchange(h, "{\"id\":1,\"action\":\"echo\"} {}"), BAD_JSON); // two values in one frame
    }

    @Test
    void jsonThatIsNotAnObjectIsABadRequest() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        assertError(exchange(h, "[{\"id\":1,\"action\":\"echo\"}]"), BAD_REQUEST);
        assertError(exchange(h, "42"), BAD_REQUEST);
        assertError(exchange(h, "\"echo\""), BAD_REQUEST);
        assertError(exchange(h, "null"), BAD_REQUEST);
        assertError(exchange(h, ""), BAD_REQUEST); // an empty frame holds no object either
    }

    @Test
    void aMissingActionIsABadRequestThatStillNamesTheId() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode reply = exchange(h, "{\"id\":5}");
        assertError(reply, BAD_REQUEST);
        assertEquals(5, reply.path("id").asInt());
        assertTrue(reply.get("action").isNull(), reply.toString());
    }

    @Test
    void anActionThatIsNotAStringIsABadRequest() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        for (String action : List.of("3", "null", "[\"echo\"]", "{\"name\":\"echo\"}", "true")) {
            JsonNode reply = exchange(h, "{\"id\":6,\"action\":" + action + "}");
            assertError(reply, BAD_REQUEST);
            assertEquals(6, reply.path("id").asInt());
        }
    }

    @Test
    void anUnknownActionGetsATypedErrorNotSilence() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode reply = exchange(h, "{\"id\":8,\"action\":\"site.frobnicate\"}");
        assertError(reply, UNKNOWN_ACTION);
        assertEquals(8, reply.path("id").asInt());
        assertEquals("site.frobnicate", reply.path("action").asText());
        assertTrue(reply.path("error").path("message").asText().contains("site.frobnicate"), reply.toString());
    }

    @Test
    void aProtocolExceptionBecomesAnErrorWithItsCode() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode reply = exchange(h, "{\"id\":9,\"action\":\"missing\",\"what\":\"thing-x\"}");
        assertError(reply, NOT_FOUND);
        assertEquals(9, reply.path("id").asInt());
        assertEquals("missing", reply.path("action").asText());
        assertTrue(reply.path("error").path("message").asText().contains("thing-x"));
    }

    @Test
    void aFieldOfTheWrongTypeIsABadRequestNamingTheField() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode wrongType = exchange(h, "{\"id\":10,\"action\":\"text\",\"field\":12}");
        assertError(wrongType, BAD_REQUEST);
        assertTrue(wrongType.path("error").path("message").asText().contains("field"), wrongType.toString());
        assertError(exchange(h, "{\"id\":11,\"action\":\"text\"}"), BAD_REQUEST);
        JsonNode right = exchange(h, "{\"id\":12,\"action\":\"text\",\"field\":\"ok\"}");
        assertEquals("ok", right.path("data").asText());
    }

    @Test
    void aHandlerThatThrowsIsAnInternalErrorAndTheSessionStaysUp() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode reply = exchange(h, "{\"id\":13,\"action\":\"boom\"}");
        assertError(reply, INTERNAL);
        assertEquals(13, reply.path("id").asInt());
        assertEquals("boom", reply.path("action").asText());
        JsonNode next = exchange(h, "{\"id\":14,\"action\":\"echo\"}");
        assertTrue(next.path("ok").asBoolean(), next.toString());
        assertTrue(h.session.isOpen());
    }

    @Test
    void aFailureTheActionExpectsIsAnsweredWithTheActionsCode() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        JsonNode reply = exchange(h, "{\"id\":19,\"action\":\"disk\"}");
        assertError(reply, NOT_FOUND);
        assertEquals("the disk is full", reply.path("error").path("message").asText());
        assertEquals("disk", reply.path("action").asText());
    }

    @Test
    void anOversizedFrameGetsFrameTooLargeAndTheNextFrameIsStillAnswered() throws IOException {
        SessionHarness h = start(1024);
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) '{'); // would be garbage even if it were read
        h.send(WireFrames.frame(big));
        h.request("{\"id\":15,\"action\":\"echo\"}");
        JsonNode next = h.replies.reply(15, WAIT);
        assertTrue(next.path("ok").asBoolean(), next.toString());
        List<JsonNode> all = h.replies.messages();
        assertEquals(2, all.size(), all.toString());
        assertError(all.get(0), FRAME_TOO_LARGE);
        assertTrue(all.get(0).path("error").path("message").asText().contains("5000"), all.get(0).toString());
    }

    @Test
    void aReplyTooBigForTheBrowserBecomesASmallErrorForTheSameRequest() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        String padding = "x".repeat(1024 * 1024);
        h.request("{\"id\":16,\"action\":\"echo\",\"pad\":\"" + padding + "\"}");
        JsonNode reply = h.replies.reply(16, WAIT);
        assertError(reply, INTERNAL);
        assertEquals("echo", reply.path("action").asText());
    }

    @Test
    void aRequestWhoseIdAloneIsOverTheBrowserLimitStillGetsAnErrorAndTheSessionGoesOn() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        String hugeId = "\"" + "i".repeat(1024 * 1024 + 10) + "\"";
        h.request("{\"id\":" + hugeId + ",\"action\":\"echo\"}");
        h.request("{\"id\":" + hugeId + ",\"action\":\"no-such-action\"}");
        h.request("{\"id\":1,\"action\":\"" + "a".repeat(1024 * 1024 + 10) + "\"}");
        h.request("{\"id\":17,\"action\":\"echo\"}");
        h.replies.reply(17, WAIT);
        h.replies.await("an answer to every request", WAIT, m -> h.replies.messages().size() == 4);
        for (JsonNode reply : h.replies.messages()) {
            if (reply.path("id").asInt() != 17) {
                assertFalse(reply.path("ok").asBoolean(), reply.toString());
            }
        }
        assertTrue(h.session.isOpen());
    }

    @Test
    void eventsOfARequestComeBeforeItsReply() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        h.request("{\"id\":18,\"action\":\"progress\"}");
        h.replies.reply(18, WAIT);
        List<JsonNode> all = h.replies.messages();
        assertEquals(4, all.size(), all.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals("step", all.get(i).path("event").asText());
            assertEquals(i + 1, all.get(i).path("data").path("n").asInt());
            assertFalse(all.get(i).has("id"), "an event is not a reply: " + all.get(i));
        }
        assertEquals("done", all.get(3).path("data").asText());
    }

    @Test
    void aSlowRequestDoesNotHoldUpAQuickOneSentAfterIt() throws IOException {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        h.request("{\"id\":1,\"action\":\"slow\"}");
        h.request("{\"id\":2,\"action\":\"echo\"}");
        JsonNode quick = h.replies.reply(2, WAIT); // arrives while the slow one is still blocked
        assertTrue(quick.path("ok").asBoolean());
        assertEquals(1, h.replies.messages().size(), "only the quick reply so far: " + h.replies.messages());
        releaseSlow.countDown();
        JsonNode slow = h.replies.reply(1, WAIT);
        assertEquals("slow done", slow.path("data").asText());
        assertEquals(List.of(2, 1), h.replies.messages().stream().map(m -> m.path("id").asInt()).toList(),
                "replies in completion order, matched by id");
    }

    @Test
    void endOfInputEndsTheSessionQuietly() throws Exception {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        h.request("{\"id\":1,\"action\":\"echo\"}");
        h.replies.reply(1, WAIT);
        h.closeInput();
        byte[] written = h.finish(WAIT.toMillis());
        assertFalse(h.session.isOpen());
        assertEquals(1, WireFrames.parseAll(written).size(), "nothing but the one reply");
    }

    @Test
    void aTruncatedFrameEndsTheSessionWithoutWritingGarbage() throws Exception {
        SessionHarness h = start(Frames.DEFAULT_MAX_INCOMING);
        byte[] frame = WireFrames.frame("{\"id\":1,\"action\":\"echo\"}");
        h.send(Arrays.copyOf(frame, frame.length - 3));
        h.closeInput();
        assertEquals(List.of(), WireFrames.parseAll(h.finish(WAIT.toMillis())));
    }

    // ---- fuzzing ----

    static final String[] ACTIONS = {"echo", "text", "missing", "boom", "progress", "no-such", "", "ECHO"};
    static final String[] IDS = {"1", "-1", "0", "1e400", "\"s\"", "null", "true", "{}", "[1]", "12345678901234567890123"};

    /** A request, mostly well formed, with random ids, actions and fields. */
    static String randomRequest(Random random) {
        StringBuilder json = new StringBuilder("{");
        if (random.nextInt(8) != 0) {
            json.append("\"id\":").append(IDS[random.nextInt(IDS.length)]).append(',');
        }
        if (random.nextInt(10) != 0) {
            json.append("\"action\":\"").append(ACTIONS[random.nextInt(ACTIONS.length)]).append("\",");
        }
        json.append("\"field\":");
        json.append(random.nextBoolean() ? "\"v\"" : random.nextInt());
        json.append(",\"what\":\"").append("é✓\\u0000\\ud800".substring(0, random.nextInt(5))).append('"');
        return json.append('}').toString();
    }

    /** Flips, drops, inserts and truncates bytes. */
    static byte[] mutate(byte[] body, Random random) {
        byte[] out = body.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && out.length > 0; i++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out = concat(Arrays.copyOf(out, at), Arrays.copyOfRange(out, at + 1, out.length));
                case 2 -> out = concat(Arrays.copyOf(out, at), new byte[] {(byte) random.nextInt(256)},
                        Arrays.copyOfRange(out, at, out.length));
                default -> out = Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] randomBody(Random random, int maxIncoming) {
        int kind = random.nextInt(100);
        if (kind < 25) {
            return randomRequest(random).getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 60) {
            return mutate(randomRequest(random).getBytes(StandardCharsets.UTF_8), random);
        }
        if (kind < 80) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        if (kind < 90) {
            List<String> values = List.of("[]", "[1,2]", "\"s\"", "0", "-0.0", "true", "null", "{}", "{\"id\":[]}",
                    "{\"action\":{}}", "{\"id\":1,\"action\":\"echo\",\"id\":2}");
            return values.get(random.nextInt(values.size())).getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 98) {
            int depth = 1 + random.nextInt(5000);  // nesting beyond any parser's comfort
            String open = random.nextBoolean() ? "[" : "{\"a\":";
            return (open.repeat(depth) + (random.nextBoolean() ? "1" : "")).getBytes(StandardCharsets.UTF_8);
        }
        if (kind < 99) {
            // large: an echo whose reply is near or over the browser's 1 MiB
            int size = 900 * 1024 + random.nextInt(300 * 1024);
            boolean bigId = random.nextBoolean();
            String body = "{\"id\":" + (bigId ? "\"" + "i".repeat(size) + "\"" : "3")
                    + ",\"action\":\"echo\",\"pad\":\"" + "p".repeat(bigId ? 10 : size) + "\"}";
            return body.getBytes(StandardCharsets.UTF_8);
        }
        return new byte[maxIncoming + 1 + random.nextInt(1000)]; // over the cap: skipped, answered with an error
    }

    @Test
    void fuzzedFramesAllGetOneWellFormedReplyAndTheSessionSurvives() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("SessionTest fuzz seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        int maxIncoming = 3 * 1024 * 1024 / 2;
        SessionHarness h = start(maxIncoming);
        int frames = 3000;
        for (int i = 0; i < frames; i++) {
            h.send(WireFrames.frame(randomBody(random, maxIncoming)));
        }
        h.request("{\"id\":\"final\",\"action\":\"echo\"}");
        JsonNode last = h.replies.await("the reply to the final request", Duration.ofSeconds(30),
                m -> m.path("id").asText().equals("final"));
        assertTrue(last.path("ok").asBoolean(), "seed " + seed + ": " + last);
        h.replies.await("one reply per frame", Duration.ofSeconds(30), m -> replyCount(h) >= frames + 1);
        h.closeInput();
        List<JsonNode> all = WireFrames.parseAll(h.finish(30_000)); // every byte, re-parsed strictly
        assertEquals(frames + 1, all.stream().filter(m -> !m.has("event")).count(), "seed " + seed);
        Set<Integer> codes = Set.of(1, 2, 3, 4, 5, 6);
        for (JsonNode reply : all) {
            if (reply.has("event")) {
                continue;
            }
            assertTrue(reply.has("id") && reply.has("action") && reply.path("ok").isBoolean(), "seed " + seed + ": " + reply);
            if (!reply.path("ok").asBoolean()) {
                assertTrue(codes.contains(reply.path("error").path("code").asInt()), "seed " + seed + ": " + reply);
            }
        }
        assertEquals(List.of(), h.thrown, "seed " + seed);
    }

    static long replyCount(SessionHarness h) {
        return h.replies.messages().stream().filter(m -> !m.has("event")).count();
    }

    @Test
    void fuzzedStreamsWithBrokenFramingEndTheSessionCleanlyAndWriteOnlyFrames() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("SessionTest framing fuzz seed: " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 400; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                stream.writeBytes(WireFrames.frame(randomBody(random, 4096)));
            }
            byte[] raw = stream.toByteArray();
            if (round % 4 == 0 || raw.length == 0) {
                raw = new byte[random.nextInt(64)];   // pure noise, headers included
                random.nextBytes(raw);
            } else {
                raw = mutate(raw, random);          // edits anywhere, headers included
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Session session = new Session("fuzz", new ByteArrayInputStream(raw), out, dispatcherWithoutWaits(),
                    RequestPools.sharing(new SessionHarness.Inline()), 4096);
            try {
                session.run();
            } catch (Throwable e) {
                throw new AssertionError("seed " + seed + ", round " + round + ": the session threw", e);
            }
            assertFalse(session.isOpen(), "seed " + seed + ", round " + round);
            try {
                WireFrames.parseAll(out.toByteArray());
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", round " + round + ": " + e.getMessage(), e);
            }
        }
    }

    Dispatcher dispatcherWithoutWaits() {
        releaseSlow.countDown();
        return dispatcher();
    }

    @Test
    void theErrorNumbersAreTheOnesExtensionsKnow() {
        // Append only, never renumber: installed extensions compare these numbers.
        List<String> expected = List.of("INTERNAL=1", "BAD_JSON=2", "BAD_REQUEST=3", "UNKNOWN_ACTION=4",
                "FRAME_TOO_LARGE=5", "NOT_FOUND=6", "ENGINE_UNAVAILABLE=7", "PUBLISH_FAILED=8", "BAD_ADDRESS=9",
                "NOT_READY=10", "BAD_SETTING=11");
        List<String> actual = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            actual.add(code.name() + "=" + code.code());
        }
        assertEquals(expected, actual.subList(0, Math.min(actual.size(), expected.size())));
        assertEquals(actual.size(), actual.stream().map(s -> s.split("=")[1]).distinct().count(), "codes are unique");
    }
}
