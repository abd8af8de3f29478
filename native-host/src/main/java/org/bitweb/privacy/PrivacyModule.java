package org.bitweb.privacy;

import org.bitweb.bt.Bandwidth;
import org.bitweb.bt.PromptReads;
import org.bitweb.bt.ServableBlocks;
import org.bitweb.bt.TorrentRegistryView;
import org.bitweb.bt.Tuning;
import bt.data.ChunkVerifier;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.BitfieldConnectionHandler;
import bt.net.ConnectionHandler;
import bt.net.ConnectionHandlerFactory;
import bt.net.HandshakeHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.PeerConnection;
import bt.net.extended.ExtendedProtocolHandshakeHandler;
import bt.net.Peer;
import bt.protocol.Handshake;
import bt.protocol.IHandshakeFactory;
import bt.protocol.extended.ExtendedHandshakeFactory;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import bt.torrent.data.DefaultDataWorker;
import bt.net.buffer.BufferedData;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Replaces three of bt's services so that a site in visitor mode shares nothing: the data worker
 * never reads a block for a peer, the incoming handshake does not know the site (so the
 * connection is refused), and no bitfield is sent for it. Blocks that are shared leave at the pace of
 * the upload limits ({@link Bandwidth}). Bindings here override bt's own.
 */
public final class PrivacyModule extends AbstractModule {
    private final SharingPolicy policy;
    private final Bandwidth bandwidth;
    private final ServableBlocks servable;

    public PrivacyModule(SharingPolicy policy, Bandwidth bandwidth, ServableBlocks servable) {
        this.policy = policy;
        this.bandwidth = bandwidth;
        this.servable = servable;
    }

    @Override
    protected void configure() {
        bind(SharingPolicy.class).toInstance(policy);
    }

    @Provides
    @Singleton
    DataWorker dataWorker(IRuntimeLifecycleBinder lifecycle, TorrentRegistry torrents, ChunkVerifier verifier,
                          BlockCache cache, Config config) {
        DataWorker worker = new DefaultDataWorker(lifecycle, torrents, verifier, cache, config);
        return new DataWorker() {
            @Override
            public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrent, Peer peer, int piece, int offset, int length) {
                if (!policy.shares(torrent)) {
                    // never answered: no piece bytes leave for a site in visitor mode
                    return new CompletableFuture<>();
                }
                if (!servable.servable(torrent, piece)) {
                    return new CompletableFuture<>(); // a file seeded in place changed: never answered
                }
                // read now, sent when the upload limits have room for it (the piece message's
                // 13-byte header included); nothing waits on a thread meanwhile. Asked again as
                // it leaves: the wait can be long, and a read failing while bt writes the
                // message would break the connection's stream. A block that goes is counted
                // for its site as it is handed to bt (the popup's uploaded bytes).
                return worker.addBlockRequest(torrent, peer, piece, offset, length)
                        .thenCompose(block -> bandwidth.upload(torrent, length + Bandwidth.PIECE_HEADER).thenApply(allowed -> block))
                        .thenCompose(block -> {
                            if (!servable.servable(torrent, piece)) {
                                return new CompletableFuture<>();
                            }
                            bandwidth.sent(torrent, length);
                            return CompletableFuture.completedFuture(block);
                        });
            }

            @Override
            public CompletableFuture<BlockWrite> addBlock(TorrentId torrent, Peer peer, int piece, int offset, BufferedData buffer) {
                return worker.addBlock(torrent, peer, piece, offset, buffer);
            }
        };
    }

    @Provides
    @Singleton
    IConnectionHandlerFactory connectionHandlers(IHandshakeFactory handshakes, TorrentRegistry torrents,
                                                 Set<HandshakeHandler> bound, ExtendedHandshakeFactory extended,
                                                 Config config) {
        List<HandshakeHandler> handlers = new ArrayList<>(bound);
        BitfieldConnectionHandler bitfield = new BitfieldConnectionHandler(torrents);
        handlers.add(new HandshakeHandler() {
            @Override
            public void processIncomingHandshake(PeerConnection connection, Handshake peerHandshake) {
                if (policy.shares(connection.getTorrentId())) {
                    bitfield.processIncomingHandshake(connection, peerHandshake);
                }
            }

            @Override
            public void processOutgoingHandshake(Handshake handshake) {
                bitfield.processOutgoingHandshake(handshake);
            }
        });
        handlers.add(new ExtendedProtocolHandshakeHandler(extended));
        // Incoming connections see only shared sites: a peer asking for a visited site is refused
        // as if this engine did not know it. Outgoing connections (ours) use the full registry.
        // Both handshakes read through PromptReads: bt's reads wait in 100 ms steps.
        boolean prompt = Tuning.promptHandshake();
        return new ConnectionHandlerFactory(handshakes, new SharedOnly(torrents, policy), handlers,
                config.getPeerHandshakeTimeout()) {
            @Override
            public ConnectionHandler getIncomingHandler() {
                return prompt ? PromptReads.of(super.getIncomingHandler()) : super.getIncomingHandler();
            }

            @Override
            public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
                ConnectionHandler handler = super.getOutgoingHandler(torrentId);
                return prompt ? PromptReads.of(handler) : handler;
            }
        };
    }

    /** The torrent registry as seen by incoming handshakes: only shared sites. */
    private static final class SharedOnly extends TorrentRegistryView {
        private final SharingPolicy policy;

        SharedOnly(TorrentRegistry all, SharingPolicy policy) {
            super(all);
            this.policy = policy;
        }

        @Override
        public Collection<Torrent> getTorrents() {
            return all.getTorrents().stream().filter(t -> policy.shares(t.getTorrentId())).collect(Collectors.toList());
        }

        @Override
        public Collection<TorrentId> getTorrentIds() {
            return all.getTorrentIds().stream().filter(policy::shares).collect(Collectors.toList());
        }

        @Override
        public Optional<Torrent> getTorrent(TorrentId id) {
            return policy.shares(id) ? all.getTorrent(id) : Optional.empty();
        }

        @Override
        @SuppressWarnings("deprecation")
        public Optional<TorrentDescriptor> getDescriptor(Torrent torrent) {
            return policy.shares(torrent.getTorrentId()) ? all.getDescriptor(torrent) : Optional.empty();
        }

        @Override
        public Optional<TorrentDescriptor> getDescriptor(TorrentId id) {
            return policy.shares(id) ? all.getDescriptor(id) : Optional.empty();
        }

        @Override
        public boolean isSupportedAndActive(TorrentId id) {
            return policy.shares(id) && all.isSupportedAndActive(id);
        }
    }
}
