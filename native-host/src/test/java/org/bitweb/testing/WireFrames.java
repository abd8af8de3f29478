package org.bitweb.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The native-messaging wire format as the browser checks it, written independently of
 * {@code org.bitweb.messaging.Frames}: a 4-byte native-order length of at most 1 MiB, then that
 * many bytes of strict UTF-8 that are exactly one JSON object. Anything else fails the test.
 */
public final class WireFrames {
    /** The browsers' limit for a message from the host. */
    public static final int BROWSER_LIMIT = 1024 * 1024;

    private static final ObjectMapper STRICT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private WireFrames() {
    }

    /** One frame as bytes: native-order length, then the body. */
    public static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).order(ByteOrder.nativeOrder())
                .putInt(body.length).put(body).array();
    }

    public static byte[] frame(String json) {
        return frame(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Splits a complete byte stream into frames and checks every one; fails on any stray byte. */
    public static List<JsonNode> parseAll(byte[] stream) {
        return parse(stream, false);
    }

    /**
     * As {@link #parseAll}, for a process that was killed: its last frame may be cut short (the
     * relay forwards bytes as they come), but everything before it must be whole, valid frames.
     */
    public static List<JsonNode> parseAllCutShort(byte[] stream) {
        return parse(stream, true);
    }

    private static List<JsonNode> parse(byte[] stream, boolean mayBeCut) {
        List<JsonNode> messages = new ArrayList<>();
        int pos = 0;
        while (pos < stream.length) {
            if (stream.length - pos < 4) {
                if (mayBeCut) {
                    break;
                }
                throw new AssertionError("stream ends with " + (stream.length - pos)
                        + " stray bytes after " + messages.size() + " frames");
            }
            long length = Integer.toUnsignedLong(
                    ByteBuffer.wrap(stream, pos, 4).order(ByteOrder.nativeOrder()).getInt());
            if (length > BROWSER_LIMIT) {
                throw new AssertionError("frame " + messages.size() + " at byte " + pos + " declares "
                        + length + " bytes, over the browser's 1 MiB limit (garbage on the channel?)");
            }
            if (stream.length - pos - 4 < length) {
                if (mayBeCut) {
                    break;
                }
                throw new AssertionError("frame " + messages.size() + " declares " + length
                        + " bytes but only " + (stream.length - pos - 4) + " follow");
            }
            byte[] body = new byte[(int) length];
            System.arraycopy(stream, pos + 4, body, 0, body.length);
            messages.add(object(body, messages.size()));
            pos += 4 + (int) length;
        }
        return messages;
    }

    /** Checks one body: strict UTF-8, one JSON object, nothing after it. */
    public static JsonNode object(byte[] body, int index) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("frame " + index + " is not UTF-8", e);
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("frame " + index + " is not JSON: " + abbreviate(text), e);
        }
        if (node == null || !node.isObject()) {
            throw new AssertionError("frame " + index + " is not a JSON object: " + abbreviate(text));
        }
        return node;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /**
     * Collects everything a stream delivers on a thread of its own (so the writer never blocks on
     * a full pipe) and hands out complete frames as they arrive.
     */
    public static final class Collector {
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean ended;
        private volatile Throwable failure;
        private int parsed;

        public Collector(InputStream in, String name) {
            thread = new Thread(() -> pump(in), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void pump(InputStream in) {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        raw.write(buffer, 0, n);
                        split();
                    }
                }
            } catch (IOException e) {
                // the other side went away: what arrived is checked by the test
            } catch (Throwable e) {
                failure = e;
            } finally {
                ended = true;
            }
        }

        /** Parses every complete frame received so far. */
        private void split() {
            byte[] all = raw.toByteArray();
            while (all.length - parsed >= 4) {
                long length = Integer.toUnsignedLong(
                        ByteBuffer.wrap(all, parsed, 4).order(ByteOrder.nativeOrder()).getInt());
                if (length > BROWSER_LIMIT) {
                    throw new AssertionError("frame " + messages.size() + " declares " + length
                            + " bytes, over the browser's 1 MiB limit (garbage on the channel?)");
                }
                if (all.length - parsed - 4 < length) {
                    return;
                }
                byte[] body = new byte[(int) length];
                System.arraycopy(all, parsed + 4, body, 0, body.length);
                messages.add(object(body, messages.size()));
                parsed += 4 + (int) length;
            }
        }

        /** Messages parsed so far, in arrival order. */
        public List<JsonNode> messages() {
            check();
            return List.copyOf(messages);
        }

        /** True once the stream ended (end of stream or error). */
        public boolean ended() {
            return ended;
        }

        /** Every byte received so far. */
        public synchronized byte[] bytes() {
            return raw.toByteArray();
        }

        public void join(long millis) throws InterruptedException {
            thread.join(millis);
        }

        /** Fails if a received frame was malformed. */
        public void check() {
            if (failure instanceof AssertionError a) {
                throw a;
            }
            if (failure != null) {
                throw new AssertionError(failure);
            }
        }

        /** Waits for the first message that matches, or fails after the timeout. */
        public JsonNode await(String what, java.time.Duration timeout,
                              java.util.function.Predicate<JsonNode> match) {
            JsonNode[] found = new JsonNode[1];
            Await.until(what, timeout, () -> {
                check();
                boolean endedBefore = ended; // read first: every message arrived before it was set
                for (JsonNode m : messages) {
                    if (match.test(m)) {
                        found[0] = m;
                        return true;
                    }
                }
                if (endedBefore) {
                    throw new AssertionError("stream ended before " + what + "; got " + messages);
                }
                return false;
            });
            return found[0];
        }

        /** Waits for the reply with this id. */
        public JsonNode reply(int id, java.time.Duration timeout) {
            return await("the reply to request " + id, timeout,
                    m -> !m.has("event") && m.path("id").isInt() && m.path("id").intValue() == id);
        }
    }
}
