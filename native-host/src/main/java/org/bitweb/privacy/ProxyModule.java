package org.bitweb.privacy;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.DataReceiver;
import bt.net.IConnectionHandlerFactory;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import bt.net.PeerConnectionFactory;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.net.SharedSelector;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.module.BitTorrentProtocol;
import bt.module.PeerConnectionSelector;
import bt.torrent.TorrentRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Sends every outgoing peer connection through a SOCKS5 proxy (a local Tor, say). bt opens its
 * sockets itself, so its connection factory is wrapped: the channel is connected through the
 * proxy first and then handed to bt's own connection set-up. Incoming connections cannot come
 * through a SOCKS proxy, so the engine listens on loopback only while a proxy is set.
 */
public final class ProxyModule extends AbstractModule {
    private static final int TIMEOUT_MILLIS = 30_000;
    private final InetSocketAddress proxy;

    public ProxyModule(InetSocketAddress proxy) {
        this.proxy = proxy;
    }

    @Override
    protected void configure() {
    }

    @Provides
    @Singleton
    IPeerConnectionFactory peerConnections(@PeerConnectionSelector SharedSelector selector,
                                           IConnectionHandlerFactory handlers,
                                           @BitTorrentProtocol MessageHandler<Message> protocol,
                                           TorrentRegistry torrents, IChannelPipelineFactory pipelines,
                                           IBufferManager buffers, DataReceiver receiver, EventSource events,
                                           Config config) {
        PeerConnectionFactory direct = new PeerConnectionFactory(selector, handlers, pipelines, protocol, torrents,
                buffers, receiver, events, config);
        Method setUp;
        try {
            // bt's own set-up of a connected channel; it has no public door for a channel we connected
            setUp = PeerConnectionFactory.class.getDeclaredMethod("createConnection",
                    Peer.class, TorrentId.class, SocketChannel.class, boolean.class);
            setUp.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("this bt version cannot be proxied", e);
        }
        return new IPeerConnectionFactory() {
            @Override
            public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrent) {
                SocketChannel channel;
                try {
                    channel = Socks5.connect(proxy, new InetSocketAddress(peer.getInetAddress(), peer.getPort()), TIMEOUT_MILLIS);
                } catch (IOException e) {
                    return ConnectionResult.failure("SOCKS5: " + e.getMessage(), e);
                }
                try {
                    return (ConnectionResult) setUp.invoke(direct, peer, torrent, channel, false);
                } catch (ReflectiveOperationException e) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                    return ConnectionResult.failure("connection set-up failed", e);
                }
            }

            @Override
            public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
                return direct.createIncomingConnection(peer, channel);
            }
        };
    }
}
