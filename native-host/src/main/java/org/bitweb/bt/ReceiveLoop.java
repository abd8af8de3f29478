package org.bitweb.bt;

import bt.net.DataReceiver;
import bt.net.pipeline.ChannelHandlerContext;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import org.bitweb.log.Threads;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Download limits ({@link Bandwidth}) are kept here: a connection whose site, or the engine,
 * has used its allowance is taken out of the selection until the allowance refills, so its bytes
 * wait in the kernel and TCP slows the sender down. What each read took is counted by the
 * connection's {@link MeteredPipelines.Meter}.
 */
final class ReceiveLoop implements DataReceiver {
    private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);

    /** Receive buffer of connections made while a download limit is set: four 16 KiB blocks. */
    private static final int LIMITED_RECEIVE_BUFFER = 64 * 1024;

    private final Selector selector;
    private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();
    private final List<SelectionKey> full = new ArrayList<>();
    /** Connections held back by a download limit, and until when (System.nanoTime()). */
    private final Map<SelectionKey, Long> held = new LinkedHashMap<>();
    private final Bandwidth bandwidth;
    private final MeteredPipelines pipelines;
    private final Thread thread;
    private final boolean noDelay = Tuning.noDelay();
    private volatile boolean stopped;

    /** What the loop keeps per connection: bt's context, and the meter of its reads (null if unmetered). */
    private record Connection(ChannelHandlerContext context, MeteredPipelines.Meter meter) {
    }

    @com.google.inject.Inject
    ReceiveLoop(IRuntimeLifecycleBinder lifecycle, Config config, Bandwidth bandwidth, MeteredPipelines pipelines) {
        this.bandwidth = bandwidth;
        this.pipelines = pipelines;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for peer connections", e);
        }
        this.thread = Threads.thread(config.getAcceptorPort() + ".bitweb.receive", true, this::run);
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
        if (channel instanceof SocketChannel socket && bandwidth.limitsDownloads()) {
            // A read takes all the kernel holds for the connection; under a download limit a
            // small receive buffer keeps each read, and the pause that pays for it, short.
            try {
                socket.setOption(StandardSocketOptions.SO_RCVBUF, LIMITED_RECEIVE_BUFFER);
            } catch (IOException | UnsupportedOperationException e) {
                log.debug("cannot size a peer connection's receive buffer: {}", e.toString());
            }
        }
        // claimed here, on the thread that built the connection's pipeline just before
        Connection connection = new Connection(context, pipelines.claim());
        change(() -> {
            try {
                channel.register(selector, SelectionKey.OP_READ, connection);
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
                    held.remove(key); // nor when its allowance refills
                    key.interestOps(0);
                } else if (!full.contains(key) && !held.containsKey(key)) {
                    key.interestOps(ops); // one waiting for room or allowance is re-armed when it has it
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
                long timeout = full.isEmpty() ? 0 : 1;
                if (!held.isEmpty()) {
                    long until = Math.max(1, (soonestHeld() - System.nanoTime() + 999_999) / 1_000_000);
                    timeout = timeout == 0 ? until : Math.min(timeout, until);
                }
                if (timeout == 0) {
                    selector.select();
                } else {
                    selector.select(timeout);
                }
                if (!full.isEmpty()) {
                    retryFull();
                }
                if (!held.isEmpty()) {
                    releaseHeld();
                }
                Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    if (holdForLimit(key)) {
                        continue;
                    }
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

    /**
     * Takes a connection out of the selection if a download limit has no allowance for it now;
     * it is selected again when there is ({@link #releaseHeld}).
     *
     * @return whether it was held
     */
    private boolean holdForLimit(SelectionKey key) {
        if (!key.isValid() || !bandwidth.limitsDownloads()) {
            return false;
        }
        MeteredPipelines.Meter meter = ((Connection) key.attachment()).meter();
        if (meter == null) {
            return false;
        }
        long wait = bandwidth.downloadWait(meter.site());
        if (wait == 0) {
            return false;
        }
        try {
            key.interestOps(0);
        } catch (CancelledKeyException e) {
            return true; // closed meanwhile
        }
        held.put(key, System.nanoTime() + wait);
        bandwidth.held(meter.site());
        return true;
    }

    private long soonestHeld() {
        long soonest = Long.MAX_VALUE;
        for (long until : held.values()) {
            soonest = Math.min(soonest, until);
        }
        return soonest;
    }

    /** Selects again the held connections whose time has come (a limit raised or lifted counts too). */
    private void releaseHeld() {
        long now = System.nanoTime();
        boolean limited = bandwidth.limitsDownloads();
        for (Iterator<Map.Entry<SelectionKey, Long>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SelectionKey, Long> entry = it.next();
            SelectionKey key = entry.getKey();
            if (!key.isValid()) {
                it.remove();
            } else if (!limited || now - entry.getValue() >= 0) {
                it.remove();
                try {
                    key.interestOps(SelectionKey.OP_READ);
                } catch (CancelledKeyException e) {
                    // closed meanwhile
                }
            }
        }
    }

    /** Connections whose buffer was full: read what fits now, and select them again once all fitted. */
    private void retryFull() {
        for (Iterator<SelectionKey> it = full.iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            if (!key.isValid()) {
                it.remove();
            } else if (holdForLimit(key)) {
                it.remove(); // waits for its allowance now; read when it has it
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
            return ((Connection) key.attachment()).context().readFromChannel();
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
