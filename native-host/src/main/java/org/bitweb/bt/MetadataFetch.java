package org.bitweb.bt;

import bt.bencoding.model.BEObject;
import bt.bencoding.types.BEInteger;
import bt.magnet.UtMetadata;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fetches a site's metadata (BEP 9) from the peers that have it, and completes a future when it
 * is here and hashes to the site's infohash.
 *
 * <p>It replaces bt's {@code MetadataConsumer}, which a thread waits on until the metadata comes
 * (for ever, when it never does: a lookup for a made-up site held a thread after it was stopped),
 * and which asks a peer for the first block, then for the rest once the first arrived: a round
 * trip more. The size is in the peer's extended handshake, so every block is asked for at once.
 */
public final class MetadataFetch {
    private static final Logger log = LoggerFactory.getLogger(MetadataFetch.class);
    /** BEP 9's block size. */
    static final int BLOCK = 16 * 1024;
    /** A peer that said it has no metadata, or did not answer, is asked again after this. */
    private static final long RETRY_MS = 10_000;

    private final TorrentId torrentId;
    private final IMetadataService parser;
    private final int maxSize;
    private final CompletableFuture<Torrent> fetched = new CompletableFuture<>();
    /** Peers that support ut_metadata and the size they announced (0: not said). */
    private final Map<ConnectionKey, Integer> supporting = new ConcurrentHashMap<>();
    /** When each peer was last asked, or said it has nothing. */
    private final Map<ConnectionKey, Long> asked = new ConcurrentHashMap<>();
    private Blocks blocks;

    /**
     * @param maxSize the largest metadata accepted; a peer announcing more is not asked
     */
    public MetadataFetch(TorrentId torrentId, IMetadataService parser, int maxSize) {
        this.torrentId = torrentId;
        this.parser = parser;
        this.maxSize = maxSize;
    }

    /** Completes with the site's torrent once its metadata arrived and verified. */
    public CompletableFuture<Torrent> fetched() {
        return fetched;
    }

    @Consumes
    public void consume(ExtendedHandshake handshake, MessageContext context) {
        if (!handshake.getSupportedMessageTypes().contains("ut_metadata")) {
            return;
        }
        BEObject<?> size = handshake.getData().get("metadata_size");
        int announced = 0;
        if (size instanceof BEInteger integer) {
            try {
                long value = integer.longValueExact();
                if (value > 0 && value <= maxSize) {
                    announced = (int) value;
                }
            } catch (ArithmeticException e) {
                // larger than any metadata we take: not asked for it by size
            }
        }
        supporting.put(context.getConnectionKey(), announced);
    }

    @Consumes
    public void consume(UtMetadata message, MessageContext context) {
        switch (message.getType()) {
            case DATA -> block(message, context.getConnectionKey());
            case REJECT -> asked.put(context.getConnectionKey(), System.currentTimeMillis());
            default -> { } // requests for our metadata are answered elsewhere (or refused by privacy rules)
        }
    }

    private synchronized void block(UtMetadata message, ConnectionKey peer) {
        if (fetched.isDone() || message.getTotalSize().isEmpty() || message.getData().isEmpty()) {
            return;
        }
        int total = message.getTotalSize().get();
        if (total <= 0 || total > maxSize) {
            log.debug("a peer sent metadata of {} bytes for {}; ignored", total, torrentId);
            supporting.remove(peer);
            return;
        }
        if (blocks == null || blocks.total != total) {
            blocks = new Blocks(total); // a peer that disagrees on the size starts over; the hash decides
        }
        if (!blocks.put(message.getPieceIndex(), message.getData().get())) {
            return;
        }
        if (blocks.complete()) {
            byte[] raw = blocks.bytes();
            blocks = null;
            if (!Arrays.equals(sha1(raw), torrentId.getBytes())) {
                log.debug("metadata for {} does not hash to it; asking again", torrentId);
                asked.clear();
                return;
            }
            supporting.clear();
            asked.clear();
            try {
                fetched.complete(parser.fromByteArray(raw));
            } catch (RuntimeException e) {
                fetched.completeExceptionally(e);
            }
        }
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (fetched.isDone()) {
            return;
        }
        ConnectionKey peer = context.getConnectionKey();
        Integer announced = supporting.get(peer);
        if (announced == null) {
            return;
        }
        long now = System.currentTimeMillis();
        Long last = asked.get(peer);
        if (last != null && now - last < RETRY_MS) {
            return;
        }
        asked.put(peer, now);
        int size = announced > 0 ? announced : knownSize();
        if (size <= 0) {
            messages.accept(UtMetadata.request(0)); // its size comes with the first block
            return;
        }
        BitSet missing = missing(size);
        for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
            messages.accept(UtMetadata.request(i));
        }
    }

    private synchronized int knownSize() {
        return blocks == null ? 0 : blocks.total;
    }

    private synchronized BitSet missing(int size) {
        BitSet all = new BitSet();
        all.set(0, (size + BLOCK - 1) / BLOCK);
        if (blocks != null && blocks.total == size) {
            all.andNot(blocks.present);
        }
        return all;
    }

    /** Forgets a peer that went away. */
    public void disconnected(ConnectionKey peer) {
        supporting.remove(peer);
        asked.remove(peer);
    }

    private static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The metadata's blocks as they arrive. */
    private static final class Blocks {
        final int total;
        final byte[] data;
        final BitSet present = new BitSet();
        final int count;

        Blocks(int total) {
            this.total = total;
            this.data = new byte[total];
            this.count = (total + BLOCK - 1) / BLOCK;
        }

        /** @return false for a block out of range or of the wrong length */
        boolean put(int index, byte[] bytes) {
            if (index < 0 || index >= count) {
                return false;
            }
            int expected = index == count - 1 ? total - index * BLOCK : BLOCK;
            if (bytes.length != expected) {
                return false;
            }
            System.arraycopy(bytes, 0, data, index * BLOCK, expected);
            present.set(index);
            return true;
        }

        boolean complete() {
            return present.cardinality() == count;
        }

        byte[] bytes() {
            return data;
        }
    }
}
