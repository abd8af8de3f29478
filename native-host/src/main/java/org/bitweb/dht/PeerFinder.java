package org.bitweb.dht;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Finding the peers of a torrent: what {@link DhtPeerSourceFactory} needs from a {@link DhtNode}.
 * Both calls report each peer to {@code onPeer} as it is found, and their futures complete by
 * {@code timeout} at the latest.
 */
public interface PeerFinder {
    /** Looks up the peers of {@code infohash} without revealing that we have it: no announce. */
    CompletableFuture<List<InetSocketAddress>> getPeers(byte[] infohash, Duration timeout, Consumer<InetSocketAddress> onPeer);

    /** Looks up the peers of {@code infohash}, then announces us to the closest nodes as a peer on {@code port}. */
    CompletableFuture<AnnounceResult> announce(byte[] infohash, int port, Duration timeout, Consumer<InetSocketAddress> onPeer);

    /** The budget every caller of {@link #announce} takes from first: one per DHT node, whoever announces. */
    AnnounceBudget announceBudget();
}
