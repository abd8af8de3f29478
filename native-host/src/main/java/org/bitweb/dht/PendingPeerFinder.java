package org.bitweb.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link PeerFinder} for a DHT node still starting: bt's runtime is built with it (its peer
 * source needs one) while the node starts on another thread, so neither waits for the other
 * (docs/TUNING.md, "A visit that starts the engine"). A lookup asked before the node is there
 * runs once it is; if the node failed to start, the lookup fails with that. The announce budget
 * is the node's own, made before it ({@link DhtNode#start(DhtConfig, AnnounceBudget)}).
 */
public final class PendingPeerFinder implements PeerFinder {
    private final CompletableFuture<? extends PeerFinder> node;
    private final AnnounceBudget budget;

    public PendingPeerFinder(CompletableFuture<? extends PeerFinder> node, AnnounceBudget budget) {
        this.node = node;
        this.budget = budget;
    }

    @Override
    public CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer) {
        return node.thenCompose(finder -> finder.getPeers(infohash, timeout, onPeer));
    }

    @Override
    public CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer) {
        return node.thenCompose(finder -> finder.announce(infohash, port, timeout, onPeer));
    }

    @Override
    public AnnounceBudget announceBudget() {
        return budget;
    }
}
