package org.bitweb.bt;

import bt.net.DataReceiver;
import bt.net.pipeline.ChannelHandlerContext;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reads every peer connection into its pipeline: bt's {@code DataReceivingLoop}, without its spin.
 *
 * <p>bt registers a new connection from the connecting thread while its loop sits in
 * {@code select()} holding a lock; the connecting thread spins on {@code tryLock()} and
 * {@code wakeup()} until it slips in between two selects, and the loop, woken each time, spins
 * with it. On two cores each new connection burnt 0.5-3.5 s of CPU on both engines of a loopback
 * download (docs/TUNING.md). Here registrations and interest changes are queued and applied by the
 * loop's own thread after one wakeup.
 *
 * <p>Peer connections get TCP_NODELAY here, as they are registered. bt writes each message with
 * its own write, so Nagle's algorithm held a block request back until the peer acknowledged the
 * previous segment, which the peer delays (up to 40 ms on Linux): a download on loopback moved in
 * bursts with ~30 ms gaps, ~110 MB/s instead of ~450 MB/s with it off.
 *
 * <p>A connection whose inbound buffer is full (its blocks still waiting for the disk) is not
 * read until there is room: bt's loop slept 1 ms and polled it again; this one takes it out of
 * the selection and retries it after 1 ms while serving the others.
 */
final class ReceiveLoop implements DataReceiver {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);

    private final Selector selector;
    private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();
    private final List<SelectionKey> full = new ArrayList<>();
    private final Thread thread;
    private final boolean noDelay = Tuning.noDelay();
    private volatile boolean stopped;

    @com.google.inject.Inject
    ReceiveLoop(IRuntimeLifecycleBinder lifecycle, Config config) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for peer connections", e);
        }
        this.thread = new Thread(this::run, config.getAcceptorPort() + ".bitweb.receive");
        thread.setDaemon(true);
        lifecycle.onStartup("Start receiving peer data", thread::start);
        lifecycle.onShutdown("Stop receiving peer data", this::stop);
    }

    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
        if (noDelay && channel instanceof SocketChannel socket) {
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | UnsupportedOperationException e) {
                log.debug("cannot turn off Nagle's algorithm on a peer connection: {}", e.toString());
            }
        }
        change(() -> {
            try {
                channel.register(selector, SelectionKey.OP_READ, context);
            } catch (ClosedChannelException | CancelledKeyException e) {
                // closed before the loop got to it: nothing to read
            }
        });
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel(); // thread-safe; a registration still queued finds the channel closed
        }
    }

    @Override
    public void activateChannel(SelectableChannel channel) {
        interest(channel, SelectionKey.OP_READ);
    }

    @Override
    public void deactivateChannel(SelectableChannel channel) {
        interest(channel, 0);
    }

    /** What the loop selects a connection for now (0: not read), or -1 if it is not registered. */
    int interestOps(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        return key == null || !key.isValid() ? -1 : key.interestOps();
    }

    private void interest(SelectableChannel channel, int ops) {
        change(() -> {
            SelectionKey key = channel.keyFor(selector);
            if (key != null && key.isValid()) {
                if (ops == 0) {
                    full.remove(key); // inactive: not re-armed when its buffer has room
                    key.interestOps(0);
                } else if (!full.contains(key)) {
                    key.interestOps(ops); // one waiting for room is re-armed when it has room
                }
            }
        });
    }

    private void change(Runnable change) {
        changes.add(change);
        selector.wakeup();
    }

    private void run() {
        try {
            while (!stopped) {
                Runnable change;
                while ((change = changes.poll()) != null) {
                    try {
                        change.run();
                    } catch (CancelledKeyException e) {
                        // the connection closed meanwhile
                    }
                }
                if (full.isEmpty()) {
                    selector.select();
                } else {
                    selector.select(1);
                    retryFull();
                }
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    if (!read(key)) {
                        try {
                            key.interestOps(0); // no room: not selected again until it has room
                            full.add(key);
                        } catch (CancelledKeyException e) {
                            // closed meanwhile
                        }
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                log.error("peer data receiving stopped: {}", e.toString(), e);
            }
        }
    }

    /** Connections whose buffer was full: read what fits now, and select them again once all fitted. */
    private void retryFull() {
        for (Iterator<SelectionKey> it = full.iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            if (!key.isValid()) {
                it.remove();
            } else if (read(key)) {
                it.remove();
                try {
                    key.interestOps(SelectionKey.OP_READ);
                } catch (CancelledKeyException e) {
                    // closed meanwhile
                }
            }
        }
    }

    /** @return false when the connection's buffer is full and data may be left in the socket */
    private boolean read(SelectionKey key) {
        if (!key.isValid()) {
            return true;
        }
        try {
            return ((ChannelHandlerContext) key.attachment()).readFromChannel();
        } catch (EOFException e) {
            log.debug("peer closed its connection");
            stopReading(key);
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("cannot read from a peer: {}", e.toString());
            stopReading(key);
            return true;
        }
    }

    /**
     * A connection at its end stays readable (at EOF) until bt closes it, which can take minutes:
     * selecting it again would spin this thread. Nothing more can come from it.
     */
    private void stopReading(SelectionKey key) {
        try {
            key.interestOps(0);
        } catch (CancelledKeyException e) {
            // closed meanwhile
        }
    }

    private void stop() {
        stopped = true;
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the selector: {}", e.toString());
        }
    }
}
