package org.bitweb.updates;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.dht.MutableItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Passes the newest signed item of a key site to the peers of its torrents over BEP 10
 * ({@link ItemMessage}): once per connection and site when the peer says it speaks
 * {@value ItemMessage#NAME}, and again whenever a newer item is signed or learned here. So a
 * visitor connected to the publisher or a seeder of any version of a site learns of an update
 * within a round trip of the publish, and fetches the new version from the peer that told it.
 *
 * <p>Items from peers go through {@link Resolver#offer} with {@code mustBeKnown}: they update
 * only sites this engine already follows, after the same checks as items from the DHT.
 */
public final class ItemExchange {
    private static final Logger log = LoggerFactory.getLogger(ItemExchange.class);

    private volatile KeySites keySites;
    /** Connections whose peer speaks the extension, each with the seq last sent (or heard) per site. */
    private final Map<ConnectionKey, Map<SiteAddress, Long>> sent = new ConcurrentHashMap<>();
    /** Which key sites each torrent is a version of, rebuilt when an item changes. */
    private volatile Map<TorrentId, List<SiteAddress>> sitesByTorrent = Map.of();

    public ItemExchange() {
    }

    /** Connects the exchange to the engine's key sites (they are made after the bt runtime). */
    public void attach(KeySites sites) {
        keySites = sites;
        sites.resolver().onNewItem(record -> reindex());
        reindex();
    }

    /** Rebuilds the torrent -> sites index; called when an item changes or a site is added or removed. */
    void reindex() {
        KeySites sites = keySites;
        if (sites == null) {
            return;
        }
        Map<TorrentId, List<SiteAddress>> index = new ConcurrentHashMap<>();
        for (KeySiteRecord record : sites.records()) {
            for (String ih : record.versions()) {
                index.merge(TorrentId.fromBytes(Hex.decode(ih)), List.of(record.site()),
                        (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList());
            }
        }
        sitesByTorrent = index;
    }

    public void disconnected(ConnectionKey connection) {
        sent.remove(connection);
        KeySites sites = keySites;
        if (sites != null) {
            sites.resolver().peerGone(connection);
        }
    }

    @Consumes
    public void consume(ExtendedHandshake handshake, MessageContext context) {
        if (handshake.getSupportedMessageTypes().contains(ItemMessage.NAME)) {
            sent.putIfAbsent(context.getConnectionKey(), new ConcurrentHashMap<>());
        }
    }

    @Consumes
    public void consume(ItemMessage message, MessageContext context) {
        KeySites sites = keySites;
        if (sites == null) {
            return;
        }
        if (message.item().isEmpty()) {
            log.debug("malformed {} from {}: {}", ItemMessage.NAME, context.getPeer(), message.problem());
            return;
        }
        MutableItem item = message.item().get();
        SiteAddress site;
        try {
            site = SiteAddress.publicKey(item.publicKey(), item.salt());
        } catch (IllegalArgumentException e) {
            return; // a salt no BitWeb site can have
        }
        // Only items newer than what this engine holds for a site it follows go further: a peer
        // cannot make this engine keep state, or queue work, for sites nobody here asked for.
        Optional<KeySiteRecord> known = sites.record(site);
        if (known.isEmpty()) {
            return;
        }
        Map<SiteAddress, Long> mine = sent.get(context.getConnectionKey());
        if (mine != null) {
            mine.merge(site, item.seq(), Math::max); // the sender has this seq: do not send it back
        }
        if (item.seq() <= known.get().seq()) {
            return;
        }
        String source = "peer " + context.getPeer().getInetAddress().getHostAddress();
        sites.resolver().offerFromPeer(context.getConnectionKey(), site, item, source, this::reindex)
                .ifPresent(why -> log.debug("dropped an item from {}: {}", source, why));
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        KeySites sites = keySites;
        ConnectionKey connection = context.getConnectionKey();
        Map<SiteAddress, Long> mine = sent.get(connection);
        if (sites == null || mine == null) {
            return; // a peer without the extension (or one that left)
        }
        List<SiteAddress> related = sitesByTorrent.get(context.getTorrentId());
        if (related == null) {
            return;
        }
        for (SiteAddress site : related) {
            sites.record(site).ifPresent(record -> {
                if (mine.getOrDefault(site, -1L) < record.seq()) {
                    mine.put(site, record.seq());
                    messages.accept(ItemMessage.of(record.item()));
                }
            });
        }
    }
}
