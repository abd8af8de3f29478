package org.bitweb.bt;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import org.bitweb.log.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * bt's message loop ({@code MessageDispatcher}), asleep while there is no peer connection.
 *
 * <p>bt's loop hands each connection's received messages to its consumers and asks its suppliers
 * for messages to send, then sleeps 1, 2, 4 ... ms up to {@link Config#getMaxMessageProcessingInterval}
 * (1 ms, {@link Tuning}) while nothing moves. Suppliers are polled (bt's peer workers build
 * requests, blocks and "have"s from state other threads change), so with connections it keeps
 * that rhythm. Without one there is nothing to poll, yet bt's loop still woke about a thousand
 * times a second, with no site or with a thousand idle ones: most of an idle engine's CPU
 * (docs/TUNING.md, "An idle engine"). This one waits without a timeout until a connection's
 * consumer or supplier is added.
 *
 * <p>bt never removes a connection's consumer and supplier once its connection closed; they stayed
 * in its maps (and were polled) for the life of the runtime. Here they are dropped once the
 * connection pool no longer holds a live connection for their key, which is also what lets the
 * loop find that no connection is left.
 */
final class MessageLoop implements IMessageDispatcher {
    private static final Logger log = LoggerFactory.getLogger(MessageLoop.class);

    private final Map<TorrentId, Map<ConnectionKey, Collection<Consumer<Message>>>> consumers = new ConcurrentHashMap<>();
    private final Map<TorrentId, Map<ConnectionKey, Collection<Supplier<Message>>>> suppliers = new ConcurrentHashMap<>();
    private final IPeerConnectionPool pool;
    private final TorrentRegistry torrents;
    /** Held while a key's consumers or suppliers are added or dropped, so an addition is never lost. */
    private final Object modification = new Object();
    /** The loop waits on this; {@link #added} is set under it when a consumer or supplier comes. */
    private final Object wake = new Object();
    private boolean added;
    private final long maxSleepMillis;
    private final Thread thread;
    private volatile boolean stopped;

    @com.google.inject.Inject
    MessageLoop(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry torrents, Config config) {
        this.pool = pool;
        this.torrents = torrents;
        this.maxSleepMillis = Math.max(1, config.getMaxMessageProcessingInterval().toMillis());
        this.thread = Threads.thread(config.getAcceptorPort() + ".bitweb.messages", true, this::run);
        lifecycle.onStartup("Start the message loop", thread::start);
        lifecycle.onShutdown("Stop the message loop", this::stop);
    }

    @Override
    public void addMessageConsumer(ConnectionKey key, Consumer<Message> consumer) {
        synchronized (modification) {
            consumers.computeIfAbsent(key.getTorrentId(), t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(consumer);
        }
        wakeUp();
    }

    @Override
    public void addMessageSupplier(ConnectionKey key, Supplier<Message> supplier) {
        synchronized (modification) {
            suppliers.computeIfAbsent(key.getTorrentId(), t -> new ConcurrentHashMap<>())
                    .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(supplier);
        }
        wakeUp();
    }

    private void wakeUp() {
        synchronized (wake) {
            added = true;
            wake.notifyAll();
        }
    }

    private void run() {
        long sleep = 1;
        try {
            while (!stopped) {
                Pass pass = new Pass();
                consume(pass);
                supply(pass);
                if (pass.processed > 0) {
                    sleep = 1;
                    continue;
                }
                synchronized (wake) {
                    if (pass.live == 0) {
                        while (!added && !stopped) {
                            wake.wait(); // nothing to poll until a connection comes
                        }
                        sleep = 1;
                    } else if (!added) {
                        wake.wait(sleep);
                        sleep = Math.min(sleep * 2, maxSleepMillis);
                    }
                    added = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What one pass over the connections found: messages moved, and connections still open. */
    private static final class Pass {
        int processed;
        int live;
    }

    private void consume(Pass pass) {
        for (Map.Entry<TorrentId, Map<ConnectionKey, Collection<Consumer<Message>>>> torrent : consumers.entrySet()) {
            boolean active = torrents.isSupportedAndActive(torrent.getKey());
            for (Map.Entry<ConnectionKey, Collection<Consumer<Message>>> peer : torrent.getValue().entrySet()) {
                PeerConnection connection = live(peer.getKey());
                if (connection == null) {
                    drop(torrent.getValue(), peer.getKey());
                    continue;
                }
                pass.live++;
                if (active) {
                    read(connection, peer.getKey(), peer.getValue(), pass);
                }
            }
            dropIfEmpty(consumers, torrent.getKey());
        }
    }

    private void read(PeerConnection connection, ConnectionKey key, Collection<Consumer<Message>> peerConsumers, Pass pass) {
        while (true) {
            Message message;
            try {
                message = connection.readMessageNow();
            } catch (Exception e) {
                log.debug("cannot read a message from {}: {}", key.getPeer(), e.toString());
                return;
            }
            if (message == null) {
                return;
            }
            pass.processed++;
            for (Consumer<Message> consumer : peerConsumers) {
                try {
                    consumer.accept(message);
                } catch (Exception e) {
                    log.warn("a message consumer failed", e);
                }
            }
        }
    }

    private void supply(Pass pass) {
        for (Map.Entry<TorrentId, Map<ConnectionKey, Collection<Supplier<Message>>>> torrent : suppliers.entrySet()) {
            boolean active = torrents.isSupportedAndActive(torrent.getKey());
            for (Map.Entry<ConnectionKey, Collection<Supplier<Message>>> peer : torrent.getValue().entrySet()) {
                PeerConnection connection = live(peer.getKey());
                if (connection == null) {
                    drop(torrent.getValue(), peer.getKey());
                    continue;
                }
                pass.live++;
                if (!active) {
                    continue;
                }
                for (Supplier<Message> supplier : peer.getValue()) {
                    Message message;
                    try {
                        message = supplier.get();
                    } catch (Exception e) {
                        log.warn("a message supplier failed", e);
                        continue;
                    }
                    if (message == null) {
                        continue;
                    }
                    pass.processed++;
                    try {
                        connection.postMessage(message);
                    } catch (Exception e) {
                        log.debug("cannot send a message to {}: {}", peer.getKey().getPeer(), e.toString());
                    }
                }
            }
            dropIfEmpty(suppliers, torrent.getKey());
        }
    }

    /** The key's connection if the pool holds it open, else null. */
    private PeerConnection live(ConnectionKey key) {
        PeerConnection connection = pool.getConnection(key);
        return connection == null || connection.isClosed() ? null : connection;
    }

    /** Forgets a closed connection's consumers or suppliers, unless a new connection took its key meanwhile. */
    private <T> void drop(Map<ConnectionKey, T> peers, ConnectionKey key) {
        synchronized (modification) {
            if (live(key) == null) {
                peers.remove(key);
            }
        }
    }

    /** Forgets a torrent with no connection left; an addition for it meanwhile makes a new entry. */
    private <T> void dropIfEmpty(Map<TorrentId, Map<ConnectionKey, T>> map, TorrentId torrent) {
        Map<ConnectionKey, T> peers = map.get(torrent);
        if (peers != null && peers.isEmpty()) {
            synchronized (modification) {
                if (peers.isEmpty()) {
                    map.remove(torrent, peers);
                }
            }
        }
    }

    private void stop() {
        stopped = true;
        synchronized (wake) {
            wake.notifyAll();
        }
    }
}
