package org.bitweb.bt;

import bt.net.ConnectionKey;
import bt.protocol.Bitfield;
import bt.protocol.Choke;
import bt.protocol.Have;
import bt.protocol.Interested;
import bt.protocol.Message;
import bt.protocol.Unchoke;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tells a peer that has pieces of a site we are looking up that we are interested, as soon as
 * its bitfield (or a "have") arrives, while the site's metadata is still on its way (issue 16).
 *
 * <p>bt decides interest from the pieces a peer has that we lack, which it can only count once the
 * metadata is here: "interested" then left after the last metadata block, and the peer's
 * "unchoke" came a whole round trip later, before the first page could even be asked for. Sent
 * with the metadata requests, the unchoke comes back with the metadata, and the first page's
 * blocks are requested the moment the file list verifies. A peer that has nothing is not told;
 * bt takes over once the metadata is here (and says "not interested" to a peer that has nothing
 * we want). Lives on a lookup's message router until the metadata arrives.
 *
 * <p>It also keeps the peer's choke state meanwhile: bt's consumer of choke and unchoke is
 * registered only with the metadata, and an unchoke that came before (the answer to our early
 * "interested") was dropped, so bt thought the peer still choked us and never asked it for a block.
 */
public final class EarlyInterest { // public: bt calls its annotated methods through a public lookup
    /**
     * Whether lookups say "interested" early; {@code -Dbitweb.bt.earlyInterest=false} turns it off
     * (bench/run.sh latency measures the engine both ways), read when an engine starts.
     */
    static boolean enabled() {
        return !"false".equals(System.getProperty("bitweb.bt.earlyInterest"));
    }

    /** Connections whose peer announced at least one piece. */
    private final Map<ConnectionKey, Boolean> havePieces = new ConcurrentHashMap<>();

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        for (byte b : bitfield.getBitfield()) {
            if (b != 0) {
                havePieces.put(context.getConnectionKey(), Boolean.TRUE);
                return;
            }
        }
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        havePieces.put(context.getConnectionKey(), Boolean.TRUE);
    }

    @Consumes
    public void consume(Unchoke unchoke, MessageContext context) {
        context.getConnectionState().setPeerChoking(false);
    }

    @Consumes
    public void consume(Choke choke, MessageContext context) {
        context.getConnectionState().setPeerChoking(true);
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        // a connection's state is new for each connection, so a reconnected peer is told again
        if (havePieces.containsKey(context.getConnectionKey()) && !context.getConnectionState().isInterested()) {
            messages.accept(Interested.instance()); // bt marks the connection interested as it sends it
        }
    }
}
