package org.bitweb.dht;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A private mainline DHT for tests: stock mldht nodes on addresses 198.18.0.x of the network
 * namespace that {@code src/test/netns/bin/java} starts the test JVM in (docs/DHT.md). mldht ignores
 * loopback and private addresses, 198.18.0.0/15 (benchmarking) it accepts; one node per address,
 * because mldht keeps one routing table entry per IP.
 *
 * <p>Tests using it carry {@code @Tag("testnet")} and call {@link #assumeAvailable()} first, so they
 * skip, with the reason, where the namespace could not be made (and fail where CI requires it). Addresses come from a pool shared by
 * all testnets of the JVM, so an engine under test can take one too ({@link #allocateAddress()}).
 */
public final class Testnet implements AutoCloseable {
    /** Every testnet node listens on this port of its own address, as on the real DHT. */
    public static final int DHT_PORT = 6881;

    private static final BitSet USED = new BitSet();
    private static final Duration POLL = Duration.ofMillis(50);

    private final List<DhtNode> nodes;
    private final List<InetAddress> addresses;

    private Testnet(List<DhtNode> nodes, List<InetAddress> addresses) {
        this.nodes = nodes;
        this.addresses = addresses;
    }

    public static boolean available() {
        return System.getenv("BITWEB_TESTNET") != null;
    }

    /**
     * Skips the calling test, saying why, when the JVM does not run inside the testnet namespace;
     * fails it instead under {@code BITWEB_INTEROP_REQUIRED=1} (CI), where a testnet that could not
     * be made is a broken machine, not a reason to report the DHT tests green.
     */
    public static void assumeAvailable() {
        assumeAvailable(System.getenv());
    }

    /** {@link #assumeAvailable()} under the environment {@code env} (tests of the rule itself). */
    public static void assumeAvailable(java.util.Map<String, String> env) {
        if (env.get("BITWEB_TESTNET") != null) {
            return;
        }
        String reason = env.get("BITWEB_TESTNET_UNAVAILABLE");
        String why = "DHT testnet unavailable: " + (reason != null ? reason
                : "this JVM was not started through src/test/netns/bin/java (run `mvn test`; see docs/DHT.md)");
        org.bitweb.interop.Tools.missing(why, env);
    }

    /** How many 198.18.0.x addresses the namespace has. */
    static int hosts() {
        String hosts = System.getenv("BITWEB_TESTNET_HOSTS");
        return hosts == null ? 0 : Integer.parseInt(hosts);
    }

    /** Takes a free testnet address (198.18.0.1 and up) for a node or an engine; give it back with {@link #releaseAddress}. */
    public static InetAddress allocateAddress() {
        synchronized (USED) {
            int host = USED.nextClearBit(1);
            if (host > hosts()) {
                throw new IllegalStateException("all " + hosts() + " testnet addresses are in use (BITWEB_TESTNET_HOSTS)");
            }
            USED.set(host);
            InetAddress address = address(host);
            try {
                if (NetworkInterface.getByInetAddress(address) == null) {
                    USED.clear(host);
                    throw new IllegalStateException(address.getHostAddress() + " is on no interface of this JVM's network namespace");
                }
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
            return address;
        }
    }

    public static void releaseAddress(InetAddress address) {
        synchronized (USED) {
            USED.clear(Byte.toUnsignedInt(address.getAddress()[3]));
        }
    }

    static InetAddress address(int host) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) 198, 18, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code size} nodes, each bootstrapping from all the others, without state files.
     * Returns at once; see {@link #awaitRoutingTables}. (All the others, because mldht only enters
     * nodes into its routing table that answered its own requests and only probes the rest every
     * half minute or so: a small network where everyone pinged only one seed would take minutes.)
     */
    public static Testnet start(int size) throws IOException {
        assumeAvailable();
        List<InetAddress> addresses = new ArrayList<>();
        List<DhtNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                addresses.add(allocateAddress());
            }
            for (InetAddress address : addresses) {
                List<BootstrapNode> others = addresses.stream().filter(a -> !a.equals(address))
                        .map(a -> new BootstrapNode(a.getHostAddress(), DHT_PORT)).collect(Collectors.toList());
                nodes.add(DhtNode.start(new DhtConfig(address, DHT_PORT, others, null)));
            }
        } catch (IOException | RuntimeException e) {
            closeAll(nodes);
            addresses.forEach(Testnet::releaseAddress);
            throw e;
        }
        return new Testnet(Collections.synchronizedList(nodes), addresses);
    }

    public List<DhtNode> nodes() {
        return List.copyOf(nodes);
    }

    public DhtNode node(int index) {
        return nodes.get(index);
    }

    public int size() {
        return nodes.size();
    }

    /** A few nodes of this testnet to bootstrap from. */
    public List<BootstrapNode> bootstrapNodes() {
        return addresses.stream().limit(3).map(a -> new BootstrapNode(a.getHostAddress(), DHT_PORT)).collect(Collectors.toList());
    }

    /** A configuration for one more node on {@code address} that joins through {@code via}. */
    public static DhtConfig config(InetAddress address, List<BootstrapNode> via, Path stateFile) {
        return new DhtConfig(address, DHT_PORT, via, stateFile);
    }

    /** How many nodes of this testnet store a mutable item at {@code target} (SHA-1 of key + salt). */
    public int holders(byte[] target) {
        lbms.plugins.mldht.kad.Key key = new lbms.plugins.mldht.kad.Key(target);
        return (int) nodes.stream().filter(n -> n.storedItems().containsKey(key)).count();
    }

    /** The highest seq any node of this testnet stores at {@code target}, or -1. */
    public long storedSeq(byte[] target) {
        lbms.plugins.mldht.kad.Key key = new lbms.plugins.mldht.kad.Key(target);
        return nodes.stream().map(n -> n.storedItems().get(key)).filter(java.util.Objects::nonNull)
                .mapToLong(lbms.plugins.mldht.kad.GenericStorage.StorageItem::seq).max().orElse(-1);
    }

    /**
     * Every node pings {@code others}: nodes that joined after this testnet (other implementations)
     * get into the routing tables now, not at mldht's next table maintenance minutes later.
     */
    public void introduce(List<java.net.InetSocketAddress> others) {
        nodes.forEach(n -> others.forEach(n::ping));
    }

    /** Every node drops the items stored with it, as if two hours had passed (BEP 44 expiry). */
    public void expireItems() {
        nodes.forEach(DhtNode::expireStoredItems);
    }

    /** Waits until every node has at least {@code entries} nodes in its routing table. */
    public void awaitRoutingTables(int entries, Duration timeout) {
        await("every routing table to hold " + entries + " nodes", timeout,
                () -> nodes.stream().allMatch(n -> n.stats().routingTable() >= entries),
                () -> nodes.stream().map(n -> n.localAddress().getAddress().getHostAddress() + "=" + n.stats().routingTable())
                        .collect(Collectors.joining(" ")));
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; no fixed sleeps in tests. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        closeAll(nodes);
        addresses.forEach(Testnet::releaseAddress);
    }

    private static void closeAll(List<DhtNode> nodes) {
        CompletableFuture.allOf(List.copyOf(nodes).stream().map(n -> CompletableFuture.runAsync(n::close))
                .toArray(CompletableFuture[]::new)).join();
    }
}
