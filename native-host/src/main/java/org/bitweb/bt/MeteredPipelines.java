package org.bitweb.bt;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferMutator;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.ChannelPipelineBuilder;
import bt.net.pipeline.ChannelPipelineFactory;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.net.pipeline.IChannelPipelineFactory;

import java.nio.ByteBuffer;

/**
 * bt's channel pipelines with a {@link Meter} as their decoder: every byte read from a peer passes
 * through it once, so the receive loop knows how much each read took. The meter learns the
 * connection's site from the peer's handshake, the first bytes of every connection.
 *
 * <p>bt builds a connection's pipeline and registers the connection with the receive loop on one
 * thread, one right after the other ({@code PeerConnectionFactory}); the loop takes the meter
 * that thread built last. With message stream encryption switched on (an experiment,
 * {@link Tuning}) bt replaces the decoders with its cipher and downloads are counted but not
 * limited.
 */
final class MeteredPipelines implements IChannelPipelineFactory {
    private final ChannelPipelineFactory bt;
    private final Bandwidth bandwidth;
    private final ThreadLocal<Meter> built = new ThreadLocal<>();

    @com.google.inject.Inject
    MeteredPipelines(IBufferManager buffers, IBufferedPieceRegistry pieces, Bandwidth bandwidth) {
        this.bt = new ChannelPipelineFactory(buffers, pieces);
        this.bandwidth = bandwidth;
    }

    @Override
    public ChannelPipelineBuilder buildPipeline(Peer peer) {
        Meter meter = new Meter(bandwidth);
        built.set(meter);
        return bt.buildPipeline(peer).decoders(meter);
    }

    /** The meter of the pipeline this thread built last, once: the receive loop takes it as the connection registers. */
    Meter claim() {
        Meter meter = built.get();
        built.remove();
        return meter;
    }

    /** Counts the bytes read from one connection and learns its site from the peer's handshake. */
    static final class Meter implements BufferMutator {
        /** pstrlen, "BitTorrent protocol", 8 reserved bytes, then the 20-byte infohash. */
        private static final int INFOHASH_AT = 1 + 19 + 8;

        private final Bandwidth bandwidth;
        private final byte[] head = new byte[INFOHASH_AT + 20];
        private int seen;
        private volatile TorrentId site;

        Meter(Bandwidth bandwidth) {
            this.bandwidth = bandwidth;
        }

        @Override
        public void mutate(ByteBuffer buffer) {
            int n = buffer.remaining();
            if (seen < head.length) {
                int take = Math.min(n, head.length - seen);
                for (int i = 0; i < take; i++) {
                    head[seen + i] = buffer.get(buffer.position() + i);
                }
                seen += take;
                if (seen == head.length && head[0] == 19) {
                    site = TorrentId.fromBytes(java.util.Arrays.copyOfRange(head, INFOHASH_AT, head.length));
                }
            }
            bandwidth.downloaded(site, n);
        }

        /** The connection's site, once its handshake was read; null before (or if it was not BitTorrent's). */
        TorrentId site() {
            return site;
        }
    }
}
