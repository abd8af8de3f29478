package org.bitweb.bt;

import bt.data.ChunkDescriptor;
import bt.protocol.InvalidMessageException;
import bt.protocol.Message;
import bt.protocol.Request;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import bt.torrent.messaging.RequestProducer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * bt's block requests, except that a block whose end is a file's BEP 47 padding is asked for only
 * up to the file's last byte, rounded up to whole TCP segments (issue 16, "real latency").
 *
 * <p>A small page is a piece of its own followed by padding, so its one 16 KiB block is mostly
 * zeros: a 10 KB page came with 6 KB of padding. libtorrent as a seeder sends the piece message's
 * 13-byte header in a segment of its own and the block after it; the 16 KiB block then needs one
 * segment more than a new connection's first window (10 segments), and its last 456 bytes waited
 * 30-50 ms for an acknowledgement (Nagle's algorithm against the visitor's delayed ACK). Asked for
 * 10 KB rounded up to {@value #SEGMENT}-byte segments, the block and its header fit the window and
 * leave at once. The rest of the block is padding, which {@link PaddedBlocks} fills in as the block
 * is written, so bt counts the block as whole and verifies the piece as usual.
 *
 * <p>It wraps bt's own producer (which keeps choosing pieces and blocks) and only rewrites the
 * requests it sends; bt notes each sent request as pending under the length it asked for, and the
 * piece must match a pending request to be accepted, so the shortened ones are noted again under
 * their new length. {@code -Dbitweb.bt.shortRequests=false} turns it off (bench/run.sh latency).
 */
public final class ShortRequestProducer { // public: bt calls its annotated method through a public lookup
    /**
     * The usual TCP payload per segment on an Ethernet path (1500-byte MTU, IPv4, timestamps). On
     * a path with smaller segments a request ends mid-segment, which costs nothing more than a
     * full-length request did.
     */
    static final int SEGMENT = 1448;

    static boolean enabled() {
        return !"false".equals(System.getProperty("bitweb.bt.shortRequests"));
    }

    private final RequestProducer requests;
    private final Supplier<List<ChunkDescriptor>> chunks;

    ShortRequestProducer(RequestProducer requests, Supplier<List<ChunkDescriptor>> chunks) {
        this.requests = requests;
        this.chunks = chunks;
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        List<Request[]> shortened = new ArrayList<>(0);
        requests.produce(message -> {
            if (message instanceof Request request) {
                Request asked = shorten(request);
                if (asked != request) {
                    shortened.add(new Request[]{request, asked});
                }
                messages.accept(asked);
            } else {
                messages.accept(message);
            }
        }, context);
        if (!shortened.isEmpty()) {
            // bt noted them after sending, under the full length; the pieces come back shorter
            Set<Object> pending = context.getConnectionState().getPendingRequests();
            for (Request[] pair : shortened) {
                if (pending.remove(key(pair[0]))) {
                    pending.add(key(pair[1]));
                }
            }
        }
    }

    private Request shorten(Request request) {
        List<ChunkDescriptor> all = chunks.get();
        if (all == null || request.getPieceIndex() >= all.size()) {
            return request;
        }
        int length = requestLength(all.get(request.getPieceIndex()), request.getOffset(), request.getLength());
        if (length >= request.getLength()) {
            return request;
        }
        try {
            return new Request(request.getPieceIndex(), request.getOffset(), length);
        } catch (InvalidMessageException e) {
            return request; // a length bt's own message refuses: ask as bt asked
        }
    }

    /**
     * How much of the block at {@code offset} to ask for: up to its last byte that is not padding,
     * rounded up to whole segments, when everything after that is padding; else all of it.
     */
    static int requestLength(ChunkDescriptor chunk, int offset, int length) {
        long real = realBytes(chunk, offset, length);
        if (real <= 0 || real >= length) {
            return length; // all padding (never asked for: FastResume marks it) or no padding at its end
        }
        return (int) Math.min(length, (real + SEGMENT - 1) / SEGMENT * SEGMENT);
    }

    /** Bytes from {@code offset} to the end of the last unit in the block that is not padding. */
    static long realBytes(ChunkDescriptor chunk, int offset, int length) {
        long[] position = {0};
        long[] realEnd = {0};
        chunk.getData().getSubrange(offset, length).visitUnits((unit, off, lim) -> {
            position[0] += lim - off;
            if (!(unit instanceof Padding pad && pad.padding())) {
                realEnd[0] = position[0];
            }
            return true;
        });
        return realEnd[0];
    }

    private static Object key(Request request) {
        return Mapper.mapper().buildKey(request.getPieceIndex(), request.getOffset(), request.getLength());
    }
}
