package org.bitweb.dht;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What an announce did.
 *
 * @param peers    peers the lookup before the announce found (an announce is a lookup too)
 * @param storedOn how many of the closest nodes answered the announce_peer
 */
public record AnnounceResult(List<InetSocketAddress> peers, int storedOn) {
    public AnnounceResult {
        peers = List.copyOf(peers);
    }
}
