package org.bitweb.dht;

import bt.metainfo.TorrentId;
import bt.peer.PeerSource;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DhtNode against twenty stock mldht nodes on the private testnet (docs/DHT.md). Each test gets a
 * fresh testnet (it starts in well under a second): nodes that earlier tests closed would linger in
 * the routing tables and cost every later lookup mldht's 10 s RPC timeout.
 */
@Tag("testnet")
class TestnetTest {
    /**
     * Bound of each DHT operation. Lookups usually take well under a second here, but one that meets
     * a node that went away waits out mldht's 10 s RPC timeout, and mldht holds back requests to a
     * node it asked more than 10 times in the last few seconds.
     */
    private static final Duration LOOKUP = Duration.ofSeconds(20);
    private static final Duration JOIN = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Testnet net;
    private final List<DhtNode> extraNodes = new ArrayList<>();
    private final List<InetAddress> extraAddresses = new ArrayList<>();

    @BeforeEach
    void startTestnet() throws IOException {
        Testnet.assumeAvailable();
        net = Testnet.start(20);
        net.awaitRoutingTables(DhtNode.HEALTHY_TABLE, JOIN);
    }

    @AfterEach
    void stopTestnet() {
        extraNodes.forEach(DhtNode::close);
        extraAddresses.forEach(Testnet::releaseAddress);
        if (net != null) {
            net.close();
        }
    }

    /** One more node, on an address of its own, joining through {@code via}. */
    private DhtNode join(List<BootstrapNode> via, Path stateFile) throws IOException {
        InetAddress address = Testnet.allocateAddress();
        extraAddresses.add(address);
        DhtNode node = DhtNode.start(Testnet.config(address, via, stateFile));
        extraNodes.add(node);
        return node;
    }

    private static void awaitTable(DhtNode node, int entries) {
        Testnet.await(node + " to know " + entries + " nodes", JOIN, () -> node.stats().routingTable() >= entries,
                () -> node.stats().toString());
    }

    private static byte[] randomInfohash() {
        byte[] infohash = new byte[20];
        RANDOM.nextBytes(infohash);
        return infohash;
    }

    /** Operations complete by their timeout on their own; the margin only keeps a broken one from hanging the test. */
    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(LOOKUP.toSeconds() + 5, TimeUnit.SECONDS);
    }

    private static BootstrapNode bootstrapNode(DhtNode node) {
        return new BootstrapNode(node.localAddress().getAddress().getHostAddress(), node.localAddress().getPort());
    }

    private Set<InetAddress> storingNodes(InetAddress peer, byte[] infohash) {
        return net.nodes().stream()
                .filter(n -> n.storedPeers(infohash).stream().anyMatch(p -> p.getAddress().equals(peer)))
                .map(n -> n.localAddress().getAddress())
                .collect(Collectors.toSet());
    }

    @Test
    void twentyNodesFillTheirRoutingTables() {
        for (DhtNode node : net.nodes()) {
            DhtStats stats = node.stats();
            assertTrue(stats.verifiedNodes() >= DhtNode.HEALTHY_TABLE, stats.toString());
            assertTrue(stats.packetsReceived() > 0, stats.toString());
        }
    }

    @Test
    void aPeerAnnouncedOnOneNodeIsFoundFromANodeThatJoinedElsewhere() throws Exception {
        byte[] infohash = randomInfohash();
        DhtNode seeder = net.node(3);
        AnnounceResult announced = get(seeder.announce(infohash, 51413, LOOKUP));
        assertTrue(announced.storedOn() > 0, announced.toString());

        // joins through node 7 only, after the announce; it never heard of the seeder before its lookup
        DhtNode visitor = join(List.of(bootstrapNode(net.node(7))), null);
        awaitTable(visitor, DhtNode.HEALTHY_TABLE);
        List<InetSocketAddress> streamed = new CopyOnWriteArrayList<>();
        CompletableFuture<List<InetSocketAddress>> lookup = visitor.getPeers(infohash, LOOKUP, streamed::add);

        InetSocketAddress expected = new InetSocketAddress(seeder.localAddress().getAddress(), 51413);
        Testnet.await("the visitor to be told of the seeder", LOOKUP, () -> streamed.contains(expected), streamed::toString);
        assertEquals(List.of(expected), get(lookup));
        assertEquals(List.of(expected), streamed, "each peer is reported once, as it is found");
    }

    @Test
    void aLookupRevealsNothingButAnAnnounceDoes() throws Exception {
        byte[] infohash = randomInfohash();
        DhtNode seeder = net.node(4);
        assertTrue(get(seeder.announce(infohash, 6001, LOOKUP)).storedOn() > 0);

        DhtNode visitor = net.node(11);
        assertEquals(List.of(new InetSocketAddress(seeder.localAddress().getAddress(), 6001)), get(visitor.getPeers(infohash, LOOKUP)));

        InetAddress visitorAddress = visitor.localAddress().getAddress();
        assertEquals(Set.of(), storingNodes(visitorAddress, infohash), "no node stores the visitor");
        assertFalse(storingNodes(seeder.localAddress().getAddress(), infohash).isEmpty(), "the seeder is stored");
        List<InetSocketAddress> seenByObserver = get(net.node(15).getPeers(infohash, LOOKUP));
        assertEquals(List.of(new InetSocketAddress(seeder.localAddress().getAddress(), 6001)), seenByObserver);
    }

    @Test
    void thePeerSourceOfAVisitedSiteRevealsNothingUntilTheSiteIsSeeded() throws Exception {
        byte[] infohash = randomInfohash();
        TorrentId site = TorrentId.fromBytes(infohash);
        DhtNode seeder = net.node(5);
        assertTrue(get(seeder.announce(infohash, 6002, LOOKUP)).storedOn() > 0);

        DhtNode engine = net.node(12);
        InetAddress engineAddress = engine.localAddress().getAddress();
        Set<TorrentId> seeded = ConcurrentHashMap.newKeySet();
        DhtPeerSourceFactory factory = new DhtPeerSourceFactory(engine, seeded::contains, 6003, new DhtPeerSourceFactory.Schedule(
                LOOKUP, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofSeconds(1)));
        PeerSource source = factory.getPeerSource(site);
        Testnet.await("the visitor's peer source to find the seeder", LOOKUP, source::update);
        assertEquals(Set.of(seeder.localAddress().getAddress()),
                source.getPeers().stream().map(p -> p.getInetAddress()).collect(Collectors.toSet()));
        assertEquals(Set.of(), storingNodes(engineAddress, infohash));

        seeded.add(site);
        Testnet.await("the seeded site to be announced", LOOKUP.multipliedBy(2), () -> {
            source.update();
            return factory.announceCount(site) > 0;
        });
        assertFalse(storingNodes(engineAddress, infohash).isEmpty());
        assertTrue(get(net.node(16).getPeers(infohash, LOOKUP)).contains(new InetSocketAddress(engineAddress, 6003)));
    }

    @Test
    void aRestartedNodeRejoinsFromItsStateFileAlone(@TempDir Path dir) throws Exception {
        Path stateFile = dir.resolve("dht-nodes.json");
        DhtNode first = join(net.bootstrapNodes(), stateFile);
        awaitTable(first, DhtNode.HEALTHY_TABLE);
        InetAddress address = first.localAddress().getAddress();
        first.close();
        List<InetSocketAddress> saved = DhtStateFile.read(stateFile);
        assertTrue(saved.size() >= DhtNode.HEALTHY_TABLE, saved.toString());

        DhtNode again = DhtNode.start(Testnet.config(address, List.of(), stateFile));
        extraNodes.add(again);
        awaitTable(again, DhtNode.HEALTHY_TABLE);

        byte[] infohash = randomInfohash();
        assertTrue(get(net.node(6).announce(infohash, 6004, LOOKUP)).storedOn() > 0);
        assertEquals(List.of(new InetSocketAddress(net.node(6).localAddress().getAddress(), 6004)),
                get(again.getPeers(infohash, LOOKUP)));
    }

    @Test
    void withoutAReachableBootstrapNodeALookupFailsInTime() throws Exception {
        // 198.18.0.250 is on the testnet's link but nobody has it: packets to it vanish, like a dead router
        DhtNode lonely = join(List.of(new BootstrapNode("198.18.0.250", 6881), new BootstrapNode("127.0.0.1", 6881)), null);
        long start = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> lonely.getPeers(randomInfohash(), Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertInstanceOf(DhtException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("no DHT node has answered"), e.getCause().getMessage());
        assertTrue(elapsedMs >= 1900 && elapsedMs < 5000, elapsedMs + " ms");
        assertEquals(0, lonely.stats().routingTable());
    }

    @Test
    void closingFailsWhatIsPendingAndIsFinal() throws Exception {
        DhtNode node = join(List.of(new BootstrapNode("198.18.0.250", 6881)), null);
        CompletableFuture<List<InetSocketAddress>> pending = node.getPeers(randomInfohash(), Duration.ofMinutes(1));
        node.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        assertThrows(DhtException.class, () -> node.getPeers(randomInfohash(), LOOKUP));
        node.close();
    }

    @Test
    void aTakenPortIsAClearError() {
        DhtNode taken = net.node(0);
        IOException e = assertThrows(IOException.class, () -> DhtNode.start(
                Testnet.config(taken.localAddress().getAddress(), List.of(), null)));
        assertTrue(e.getMessage().contains(taken.localAddress().getAddress().getHostAddress() + ":" + Testnet.DHT_PORT), e.getMessage());
    }

    // ---------------------------------------------------------------- BEP 44

    private static final class Signer {
        final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);

        byte[] publicKey() {
            return key.generatePublicKey().getEncoded();
        }

        MutableItem sign(byte[] salt, long seq, byte[] value) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            byte[] buffer = MutableItem.signedBuffer(salt, seq, value);
            signer.update(buffer, 0, buffer.length);
            return new MutableItem(publicKey(), salt, seq, value, signer.generateSignature());
        }
    }

    private static byte[] ihValue() {
        byte[] value = new byte[4 + 20 + 4 + 1];
        System.arraycopy("d2:ih20:".getBytes(StandardCharsets.US_ASCII), 0, value, 0, 8);
        System.arraycopy(randomInfohash(), 0, value, 8, 20);
        value[28] = 'e';
        return java.util.Arrays.copyOf(value, 29);
    }

    @Test
    void aMutableItemPutOnOneNodeIsReadOnAnotherAndUpdates() throws Exception {
        Signer author = new Signer();
        MutableItem v1 = author.sign(new byte[0], 1, ihValue());
        assertTrue(get(net.node(2).putMutable(v1, LOOKUP)) > 0);
        assertEquals(Optional.of(v1), get(net.node(13).getMutable(author.publicKey(), new byte[0], LOOKUP)));

        MutableItem v2 = author.sign(new byte[0], 2, ihValue());
        assertTrue(get(net.node(8).putMutable(v2, LOOKUP)) > 0);
        Optional<MutableItem> found = get(net.node(17).getMutable(author.publicKey(), null, LOOKUP));
        assertEquals(2, found.orElseThrow().seq());
        assertArrayEquals(v2.value(), found.get().value());

        ExecutionException older = assertThrows(ExecutionException.class, () -> get(net.node(9).putMutable(v1, LOOKUP)));
        assertInstanceOf(DhtException.class, older.getCause());
        assertTrue(older.getCause().getMessage().contains("seq 2"), older.getCause().getMessage());
    }

    @Test
    void saltedItemsAreSeparateAndUnsignedOnesAreRefused() throws Exception {
        Signer author = new Signer();
        byte[] salt = "blog".getBytes(StandardCharsets.US_ASCII);
        MutableItem salted = author.sign(salt, 7, ihValue());
        assertTrue(get(net.node(10).putMutable(salted, LOOKUP)) > 0);
        assertEquals(Optional.of(salted), get(net.node(14).getMutable(author.publicKey(), salt, LOOKUP)));
        assertEquals(Optional.empty(), get(net.node(14).getMutable(author.publicKey(), new byte[0], LOOKUP)));

        MutableItem forged = new MutableItem(author.publicKey(), salt, 8, ihValue(), salted.signature());
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(net.node(10).putMutable(forged, LOOKUP)));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void nobodyHoldsAnItemNeverPut() throws Exception {
        assertEquals(Optional.empty(), get(net.node(1).getMutable(new Signer().publicKey(), new byte[0], LOOKUP)));
    }

    @Test
    void theStateFileIsWrittenOnClose(@TempDir Path dir) throws Exception {
        Path stateFile = dir.resolve("sub/dht.json");
        DhtNode node = join(net.bootstrapNodes(), stateFile);
        awaitTable(node, DhtNode.HEALTHY_TABLE);
        node.close();
        assertTrue(Files.exists(stateFile));
        Set<InetAddress> testnet = net.nodes().stream().map(n -> n.localAddress().getAddress()).collect(Collectors.toSet());
        for (InetSocketAddress saved : DhtStateFile.read(stateFile)) {
            assertTrue(testnet.contains(saved.getAddress()) || saved.getAddress().getHostAddress().startsWith("198.18.0."), saved.toString());
        }
    }
}
