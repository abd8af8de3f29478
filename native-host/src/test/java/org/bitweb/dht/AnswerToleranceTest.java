package org.bitweb.dht;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.bitweb.dht.ScriptedNode.literal;
import static org.bitweb.dht.ScriptedNode.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BitWeb's BEP 44 lookups and puts against answers written out byte for byte: every answer BEP 5,
 * 44 and 46 allow is used (a value without {@code nodes}, as bittorrent-dht sends for items it
 * holds; {@code nodes6} only; keys nobody defined; a {@code v} without {@code k} and {@code sig}),
 * and malformed ones are ignored without holding the lookup up. Eight scripted nodes on the
 * testnet are the whole DHT of the node under test.
 */
@Tag("testnet")
class AnswerToleranceTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Far longer than any of these lookups may take: a lookup that runs into it has stalled. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** What a lookup among eight answering nodes on one machine may take, with room for a loaded CI machine. */
    private static final long PROMPT_MS = 3_000;

    private final List<ScriptedNode> nodes = new ArrayList<>();
    private final List<InetAddress> addresses = new ArrayList<>();
    private DhtNode dht;
    private final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
    private final byte[] publicKey = key.generatePublicKey().getEncoded();
    private final byte[] salt = "blog".getBytes(StandardCharsets.US_ASCII);
    private final byte[] target = MutableItem.target(publicKey, salt);

    @BeforeEach
    void start() throws Exception {
        Testnet.assumeAvailable();
        for (int i = 0; i < 8; i++) {
            InetAddress address = Testnet.allocateAddress();
            addresses.add(address);
            nodes.add(new ScriptedNode(address, ScriptedNode.randomId()));
        }
        for (ScriptedNode node : nodes) {
            node.neighbours.addAll(nodes.stream().filter(n -> n != node).toList());
        }
        InetAddress mine = Testnet.allocateAddress();
        addresses.add(mine);
        dht = DhtNode.start(Testnet.config(mine, nodes.stream()
                .map(n -> new BootstrapNode(n.address.getAddress().getHostAddress(), n.address.getPort())).toList(), null));
        Testnet.await("the node under test to know the scripted nodes", Duration.ofSeconds(20),
                () -> dht.stats().routingTable() >= nodes.size(), () -> dht.stats().toString());
    }

    @AfterEach
    void stop() {
        if (dht != null) {
            dht.close();
        }
        nodes.forEach(ScriptedNode::close);
        addresses.forEach(Testnet::releaseAddress);
    }

    private MutableItem sign(long seq, byte[] value) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] buffer = MutableItem.signedBuffer(salt, seq, value);
        signer.update(buffer, 0, buffer.length);
        return new MutableItem(publicKey, salt, seq, value, signer.generateSignature());
    }

    private static byte[] ihValue() {
        byte[] ih = new byte[20];
        RANDOM.nextBytes(ih);
        return literal("d2:ih20:", ih, "e");
    }

    /** The answer bittorrent-dht gives for an item it holds: token and the item, no nodes. */
    private static byte[] itemAnswer(ScriptedNode node, ScriptedNode.Query q, MutableItem item, String token) {
        return node.response(q, "1:k32:", item.publicKey(), "3:seqi" + item.seq() + "e3:sig64:", item.signature(),
                "5:token", str(token.getBytes(StandardCharsets.US_ASCII)), "1:v", item.value());
    }

    /** The answer of a node that holds nothing: token and the nodes it knows. */
    private static byte[] nodesAnswer(ScriptedNode node, ScriptedNode.Query q, String token) {
        return node.response(q, "5:nodes", str(ScriptedNode.compact(node.neighbours)),
                "5:token", str(token.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] putAccepted(ScriptedNode node, ScriptedNode.Query q) {
        return node.response(q);
    }

    /** Every node answers {@code get} with {@code get} and accepts puts. */
    private void scriptAll(Function<Integer, Function<ScriptedNode.Query, byte[]>> scriptOfNode) {
        for (int i = 0; i < nodes.size(); i++) {
            ScriptedNode node = nodes.get(i);
            Function<ScriptedNode.Query, byte[]> get = scriptOfNode.apply(i);
            node.script(q -> switch (q.method()) {
                case "get" -> get.apply(q);
                case "put" -> putAccepted(node, q);
                default -> null;
            });
        }
    }

    private <T> T timed(String what, java.util.concurrent.CompletableFuture<T> future) throws Exception {
        long start = System.nanoTime();
        T result = future.get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms < PROMPT_MS, what + " took " + ms + " ms: it waited for its timeout instead of ending when every node had answered");
        return result;
    }

    private static String token(int node) {
        return "tok" + node;
    }

    @Test
    void valuesWithoutNodesEndTheLookupAndTheirTokensAreUsedForThePut() throws Exception {
        MutableItem held = sign(5, ihValue());
        scriptAll(i -> q -> itemAnswer(nodes.get(i), q, held, token(i)));

        Optional<MutableItem> found = timed("get", dht.getMutable(publicKey, salt, TIMEOUT));
        assertEquals(held, found.orElseThrow());
        for (ScriptedNode node : nodes) {
            ScriptedNode.Query get = node.received("get").get(0);
            assertArrayEquals(target, get.bytes("target"));
            // an mldht node sends nodes only to a get whose "want" (BEP 32) names IPv4
            assertEquals("n4", new String((byte[]) ((List<?>) get.args().get("want")).get(0), StandardCharsets.US_ASCII));
        }

        MutableItem next = sign(6, ihValue());
        int stored = timed("put", dht.putMutable(next, TIMEOUT));
        assertEquals(8, stored, "every node that answered with a token took the put");
        for (int i = 0; i < nodes.size(); i++) {
            List<ScriptedNode.Query> puts = nodes.get(i).received("put");
            assertEquals(1, puts.size(), nodes.get(i) + " got one put");
            assertArrayEquals(token(i).getBytes(StandardCharsets.US_ASCII), puts.get(0).bytes("token"), "with the token it handed out");
            assertEquals(6L, puts.get(0).args().get("seq"));
            assertArrayEquals(salt, puts.get(0).bytes("salt"));
        }
    }

    @Test
    void nodes6OnlyAndKeysNobodyDefinedAreTolerated() throws Exception {
        MutableItem held = sign(3, ihValue());
        byte[] nodes6 = new byte[38 * 2];
        RANDOM.nextBytes(nodes6);
        scriptAll(i -> q -> switch (i % 4) {
            // nodes6 only (an IPv6 node list, useless to an IPv4 lookup), plus an unknown key
            case 0 -> nodes.get(i).response(q, "6:nodes6", str(nodes6), "5:token", str(token(i).getBytes(StandardCharsets.US_ASCII)),
                    "7:unknown", "l1:xi1ee");
            // the item, unknown keys inside r and at the top level, a version and our address (BEP 42)
            case 1 -> literal("d2:ip6:", new byte[] {(byte) 198, 18, 0, 1, 26, (byte) 225}, "1:rd2:id20:", nodes.get(i).id,
                    "1:k32:", held.publicKey(), "3:seqi3e3:sig64:", held.signature(), "5:token", str(token(i).getBytes(StandardCharsets.US_ASCII)),
                    "1:v", held.value(), "3:zzz3:abce1:t", str(q.transaction()), "1:v4:LT\u0002\u00001:y1:r5:zzzzzi7ee");
            // both node lists
            case 2 -> nodes.get(i).response(q, "5:nodes", str(ScriptedNode.compact(nodes.get(i).neighbours)),
                    "6:nodes6", str(nodes6), "5:token", str(token(i).getBytes(StandardCharsets.US_ASCII)));
            // no token, no nodes, no value: nothing but an id
            default -> nodes.get(i).response(q);
        });

        Optional<MutableItem> found = timed("get", dht.getMutable(publicKey, salt, TIMEOUT));
        assertEquals(held, found.orElseThrow());
        int stored = timed("put", dht.putMutable(sign(4, ihValue()), TIMEOUT));
        assertEquals(6, stored, "the six nodes that gave a token took the put");
        for (int i = 0; i < nodes.size(); i++) {
            assertEquals(i % 4 == 3 ? 0 : 1, nodes.get(i).received("put").size(), nodes.get(i).toString());
        }
    }

    @Test
    void valuesThatAreNoItemOfThisKeyAreIgnoredButTheirNodesAndTokensAreNot() throws Exception {
        MutableItem good = sign(3, ihValue());
        MutableItem newerButForged = new MutableItem(publicKey, salt, 9, ihValue(), good.signature());
        Ed25519PrivateKeyParameters other = new Ed25519PrivateKeyParameters(RANDOM);
        byte[] otherKey = other.generatePublicKey().getEncoded();
        scriptAll(i -> q -> {
            ScriptedNode n = nodes.get(i);
            byte[] tok = str(token(i).getBytes(StandardCharsets.US_ASCII));
            return switch (i) {
                case 0 -> itemAnswer(n, q, good, token(i));
                // an immutable item (BEP 44 allows v without k and sig): not what a mutable get asked for
                case 1 -> n.response(q, "5:token", tok, "1:v", "5:hello");
                // k and v without sig
                case 2 -> n.response(q, "1:k32:", publicKey, "3:seqi10e5:token", tok, "1:v", good.value());
                // a signature that does not verify, with a higher seq
                case 3 -> itemAnswer(n, q, newerButForged, token(i));
                // another key's item (its target would differ)
                case 4 -> n.response(q, "1:k32:", otherKey, "3:seqi11e3:sig64:", good.signature(), "5:token", tok, "1:v", good.value());
                // no seq
                case 5 -> n.response(q, "1:k32:", publicKey, "3:sig64:", good.signature(), "5:token", tok, "1:v", good.value());
                // a seq that is not an integer
                case 6 -> n.response(q, "1:k32:", publicKey, "3:seq2:12", "3:sig64:", good.signature(), "5:token", tok, "1:v", good.value());
                default -> nodesAnswer(n, q, token(i));
            };
        });

        Optional<MutableItem> found = timed("get", dht.getMutable(publicKey, salt, TIMEOUT));
        assertEquals(good, found.orElseThrow(), "only the item that verifies counts, whatever seq the others claim");
        int stored = timed("put", dht.putMutable(sign(4, ihValue()), TIMEOUT));
        assertEquals(8, stored, "a node that sent a bad value still gave a token and took the put");
    }

    @Test
    void malformedAnswersAreIgnoredWithoutHoldingTheLookupUp() throws Exception {
        MutableItem good = sign(2, ihValue());
        scriptAll(i -> q -> {
            ScriptedNode n = nodes.get(i);
            byte[] t = str(q.transaction());
            return switch (i) {
                case 0 -> itemAnswer(n, q, good, token(i));
                case 1 -> literal("this is not bencode");
                // nodes not a multiple of 26 bytes
                case 2 -> n.response(q, "5:nodes25:", Arrays.copyOf(ScriptedNode.compact(n.neighbours), 25), "5:token2:t2");
                // r is not a dictionary
                case 3 -> literal("d1:ri1e1:t", t, "1:y1:re");
                // no id
                case 4 -> literal("d1:rd5:token2:t4e1:t", t, "1:y1:re");
                // an error instead of an answer
                case 5 -> literal("d1:eli201e13:Generic Errore1:t", t, "1:y1:ee");
                // silence
                case 6 -> new byte[0];
                // a v that is cut short: the packet is not bencode
                default -> literal("d1:rd2:id20:", n.id, "1:v5:abce1:t", t, "1:y1:re");
            };
        });

        Optional<MutableItem> found = timed("get", dht.getMutable(publicKey, salt, TIMEOUT));
        assertEquals(good, found.orElseThrow());
        int stored = timed("put", dht.putMutable(sign(3, ihValue()), TIMEOUT));
        assertEquals(1, stored, "only the node that answered well had a token to put with");
    }

    @Test
    void aVisitorsLookupDoesNotWaitForNodesThatNeverAnswer() throws Exception {
        // two dead nodes, named by every live one as its neighbours: a lookup that waited for them
        // would take mldht's 10 s (an announce still does: see DhtNode.peerLookup)
        List<ScriptedNode> dead = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            InetAddress address = Testnet.allocateAddress();
            addresses.add(address);
            ScriptedNode node = new ScriptedNode(address, ScriptedNode.randomId());
            node.script(q -> new byte[0]);
            dead.add(node);
        }
        nodes.forEach(n -> n.neighbours.addAll(dead));
        byte[] infohash = ScriptedNode.randomId();
        for (int i = 0; i < nodes.size(); i++) {
            ScriptedNode n = nodes.get(i);
            String token = token(i);
            n.script(q -> switch (q.method()) {
                case "get_peers" -> n.response(q, "5:nodes", str(ScriptedNode.compact(n.neighbours)),
                        "5:token", str(token.getBytes(StandardCharsets.US_ASCII)));
                case "announce_peer" -> n.response(q);
                case "get" -> n.response(q, "5:token", str(token.getBytes(StandardCharsets.US_ASCII)));
                default -> null;
            });
        }
        // a node learns how long answers take from the answers it gets (mldht's timeout filter);
        // until then it calls a request stalled only after seconds: a few lookups first, as any
        // node that has been running a while has made
        for (int i = 0; i < 4; i++) {
            dht.getMutable(publicKey, salt, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        }
        try {
            assertEquals(List.of(), timed("get_peers", dht.getPeers(infohash, TIMEOUT)));
            AnnounceResult announced = dht.announce(infohash, 6881, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            assertEquals(8, announced.storedOn(), "every live node took the announce");
            for (ScriptedNode n : nodes) {
                assertEquals(1, n.received("announce_peer").size(), n.toString());
            }
        } finally {
            nodes.forEach(n -> n.neighbours.removeAll(dead));
            dead.forEach(ScriptedNode::close);
        }
    }

    @Test
    void aSlowClosestNodeIsWaitedForFromWhenItsRequestLeftNotFromWhenItWasQueued() throws Exception {
        // the closest node of all to the target, slow to answer (a loaded machine) ...
        ScriptedNode closest = nodes.get(0);
        byte[] infohash = closest.id.clone();
        for (int i = 0; i < nodes.size(); i++) {
            ScriptedNode n = nodes.get(i);
            String token = token(i);
            n.script(q -> switch (q.method()) {
                case "get_peers" -> {
                    if (n == closest) {
                        sleepQuietly(900);
                    }
                    yield n.response(q, "5:nodes", str(ScriptedNode.compact(n.neighbours)),
                            "5:token", str(token.getBytes(StandardCharsets.US_ASCII)));
                }
                case "announce_peer" -> n.response(q);
                default -> null;
            });
        }
        // ... and our own requests to it held back by mldht's outgoing throttle (10 at once, then 2
        // a second per address), as after a burst of announces: the get_peers leaves ~1.5 s after
        // it was queued, the answer 0.9 s after that (past its 0.75 s stall, inside the 1.5 s grace)
        for (int i = 0; i < 12; i++) {
            dht.ping(closest.address);
        }
        AnnounceResult announced = dht.announce(infohash, 6881, TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        assertEquals(1, closest.received("announce_peer").size(),
                "the closest node took the announce (" + announced + "; its get_peers: " + closest.received("get_peers").size() + ")");
        assertEquals(8, announced.storedOn(), announced.toString());
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms); // the scripted node's answer comes late: what the test is about
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPutCountsTheNodesThatStoredItNotTheAnswers() throws Exception {
        scriptAll(i -> q -> nodesAnswer(nodes.get(i), q, token(i)));
        for (int i = 0; i < nodes.size(); i++) {
            ScriptedNode n = nodes.get(i);
            int which = i;
            n.script(q -> switch (q.method()) {
                case "get" -> nodesAnswer(n, q, token(which));
                case "put" -> switch (which % 4) {
                    case 0 -> n.response(q);
                    case 1 -> literal("d1:eli302e29:sequence number less than current1:t", str(q.transaction()), "1:y1:ee");
                    case 2 -> literal("d1:eli203e17:bad token for put1:t", str(q.transaction()), "1:y1:ee");
                    // node 3 never answers; node 7 drops the first put (a lost packet, a throttle) and takes the second
                    default -> which == 7 && n.received("put").size() == 2 ? n.response(q) : new byte[0];
                };
                default -> null;
            });
        }
        int stored = dht.putMutable(sign(1, ihValue()), TIMEOUT).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        assertEquals(3, stored, "two nodes said yes, one more when asked again; errors and silence are no copies");
        assertEquals(2, nodes.get(3).received("put").size(), "a silent node is asked twice, not more");
        assertEquals(1, nodes.get(0).received("put").size(), "a node that answered is asked once");
    }
}
