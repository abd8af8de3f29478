package org.bitweb.interop;

import org.bitweb.dht.DhtNode;
import org.bitweb.dht.Krpc;
import org.bitweb.dht.Testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The DHT testnet as the real DHT is: stock mldht nodes ({@link Testnet}) beside libtorrent nodes
 * (python3-libtorrent) and bittorrent-dht nodes (npm), each on an address of its own in the test
 * JVM's network namespace. The tools are checked first (a missing one fails under
 * {@code BITWEB_INTEROP_REQUIRED=1}, as CI runs), then the namespace (likewise).
 *
 * <p>Which node stores what is found out by asking every node directly ({@link Krpc}), whatever
 * its implementation.
 */
public final class MixedTestnet implements AutoCloseable {
    /** What one external node may take to start listening, and the whole net to join up. */
    public static final Duration STARTUP = Duration.ofSeconds(20);

    public final Testnet mldht;
    public final List<ExternalNode> libtorrent = new ArrayList<>();
    public final List<ExternalNode> bittorrentDht = new ArrayList<>();
    private final List<InetAddress> addresses = new ArrayList<>();
    private final Krpc probe;
    private final Map<InetSocketAddress, byte[]> ids = new ConcurrentHashMap<>();
    private final List<InetSocketAddress> alsoNodes = new java.util.concurrent.CopyOnWriteArrayList<>();

    private MixedTestnet(Testnet mldht, InetAddress probeAddress) throws IOException {
        this.mldht = mldht;
        this.addresses.add(probeAddress);
        this.probe = new Krpc(probeAddress);
    }

    /** Fails (BITWEB_INTEROP_REQUIRED=1) or skips unless libtorrent, node and bittorrent-dht are here. */
    public static void requireTools() {
        Tools.assumeLibtorrent();
        Tools.assumeBinary("node", "nodejs");
        Tools.assumeBittorrentDht();
    }

    /**
     * Starts {@code mldhtNodes} mldht nodes, then the others, each bootstrapping from every node
     * started before it, and waits (bounded) until every external node knows a few others.
     */
    public static MixedTestnet start(int mldhtNodes, int libtorrentNodes, int bittorrentDhtNodes) throws IOException {
        requireTools();
        Testnet.assumeAvailable();
        Testnet mldht = Testnet.start(mldhtNodes);
        MixedTestnet net = null;
        try {
            net = new MixedTestnet(mldht, Testnet.allocateAddress());
            List<InetSocketAddress> known = new ArrayList<>(mldht.nodes().stream().map(DhtNode::localAddress).toList());
            for (int i = 0; i < Math.max(libtorrentNodes, bittorrentDhtNodes); i++) {
                if (i < libtorrentNodes) {
                    net.libtorrent.add(net.external(ExternalNode.Kind.LIBTORRENT, known));
                }
                if (i < bittorrentDhtNodes) {
                    net.bittorrentDht.add(net.external(ExternalNode.Kind.BITTORRENT_DHT, known));
                }
            }
            mldht.introduce(net.externals().stream().map(ExternalNode::address).toList());
            mldht.awaitRoutingTables(DhtNode.HEALTHY_TABLE, STARTUP);
            net.awaitExternalTables(Math.min(DhtNode.HEALTHY_TABLE, known.size() - 1), STARTUP);
            return net;
        } catch (IOException | RuntimeException | Error e) {
            if (net != null) {
                net.close();
            } else {
                mldht.close();
            }
            throw e;
        }
    }

    private ExternalNode external(ExternalNode.Kind kind, List<InetSocketAddress> known) throws IOException {
        InetAddress address = Testnet.allocateAddress();
        addresses.add(address);
        ExternalNode node = ExternalNode.start(kind, address, List.copyOf(known), STARTUP);
        known.add(node.address());
        return node;
    }

    public List<ExternalNode> externals() {
        List<ExternalNode> all = new ArrayList<>(libtorrent);
        all.addAll(bittorrentDht);
        return all;
    }

    private void awaitExternalTables(int entries, Duration timeout) {
        Testnet.await("every libtorrent and bittorrent-dht node to know " + entries + " nodes", timeout,
                () -> externals().stream().allMatch(n -> table(n) >= entries),
                () -> externals().stream().map(n -> n + "=" + table(n)).collect(Collectors.joining(" ")));
    }

    private static int table(ExternalNode node) {
        try {
            return node.routingTable();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Every node of the net: mldht's first, then libtorrent's and bittorrent-dht's. */
    public List<InetSocketAddress> allNodes() {
        List<InetSocketAddress> all = new ArrayList<>(mldht.nodes().stream().map(DhtNode::localAddress).toList());
        externals().forEach(n -> all.add(n.address()));
        return all;
    }

    /**
     * Nodes the caller runs on this net (BitWeb's own): they are DHT nodes like any other, so they
     * count among the closest nodes of a target ({@link #closest}).
     */
    public void countAlso(InetSocketAddress node) {
        alsoNodes.add(node);
    }

    /** "mldht", "libtorrent" or "bittorrent-dht". */
    public String implementation(InetSocketAddress node) {
        if (alsoNodes.contains(node)) {
            return "bitweb";
        }
        return externals().stream().filter(n -> n.address().equals(node)).findFirst().map(n -> n.kind().label).orElse("mldht");
    }

    /** The {@code k} nodes of this net whose ids are closest to {@code target} (ids asked once, by ping). */
    public List<InetSocketAddress> closest(byte[] target, int k) {
        return closest(target, k, null);
    }

    /** The same, leaving out {@code publisher} (a node stores nothing for itself: its put goes to the others). */
    public List<InetSocketAddress> closest(byte[] target, int k, InetSocketAddress publisher) {
        Map<InetSocketAddress, byte[]> known = new LinkedHashMap<>();
        List<InetSocketAddress> counted = new ArrayList<>(allNodes());
        counted.addAll(alsoNodes);
        counted.remove(publisher);
        for (InetSocketAddress node : counted) {
            byte[] id = ids.computeIfAbsent(node, n -> {
                try {
                    return probe.ping(n).orElse(null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (id != null) {
                known.put(node, id);
            }
        }
        Comparator<Map.Entry<InetSocketAddress, byte[]>> byDistance = (a, b) -> {
            for (int i = 0; i < 20; i++) {
                int x = (a.getValue()[i] ^ target[i]) & 0xff;
                int y = (b.getValue()[i] ^ target[i]) & 0xff;
                if (x != y) {
                    return Integer.compare(x, y);
                }
            }
            return 0;
        };
        return known.entrySet().stream().sorted(byDistance).limit(k).map(Map.Entry::getKey).toList();
    }

    /** The seq each of {@code nodes} stores under {@code target}, asked directly (-1: holds none or did not answer). */
    public Map<InetSocketAddress, Long> storedSeqs(List<InetSocketAddress> nodes, byte[] target) {
        Map<InetSocketAddress, Long> seqs = new LinkedHashMap<>();
        for (InetSocketAddress node : nodes) {
            try {
                seqs.put(node, probe.storedSeq(node, target).orElse(-1L));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return seqs;
    }

    /** Which of {@code nodes} store {@code peer} for {@code infohash} (asked with get_peers, directly). */
    public List<InetSocketAddress> storing(List<InetSocketAddress> nodes, byte[] infohash, InetSocketAddress peer) {
        List<InetSocketAddress> storing = new ArrayList<>();
        for (InetSocketAddress node : nodes) {
            try {
                if (probe.storedPeers(node, infohash).contains(peer)) {
                    storing.add(node);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return storing;
    }

    /** How many of the {@code k} closest nodes (other than {@code publisher}) store {@code seq} (or newer) under {@code target}. */
    public int closestHolding(byte[] target, long seq, int k, InetSocketAddress publisher) {
        return (int) storedSeqs(closest(target, k, publisher), target).values().stream().filter(s -> s >= seq).count();
    }

    /** Readable: which of the closest nodes hold what, with their implementations. */
    public String describe(byte[] target, int k, InetSocketAddress publisher) {
        return storedSeqs(closest(target, k, publisher), target).entrySet().stream()
                .map(e -> implementation(e.getKey()) + "@" + e.getKey().getAddress().getHostAddress() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    @Override
    public void close() {
        externals().forEach(ExternalNode::close);
        probe.close();
        mldht.close();
        addresses.forEach(Testnet::releaseAddress);
    }
}
