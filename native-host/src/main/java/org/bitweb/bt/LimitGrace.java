package org.bitweb.bt;

import bt.protocol.Message;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Keeps our own download limit from looking like a slow peer. bt drops a peer's piece assignment
 * after the piece timeout without a block (1.5 s, {@link Tuning}) and bans the peer for a moment;
 * when the receive loop holds a site's connections back for a limit, their blocks wait in the
 * kernel and that clock would run out because of us. While a limit held a connection of the site
 * within the last timeout, this agent, on bt's message loop (the thread that owns assignments),
 * restarts the clock of the connection's assignment. A peer that stops sending while no limit
 * holds anything back still times out as before.
 *
 * <p>bt 1.10 keeps assignments package-private, so this reaches them by reflection; if that is not
 * possible it logs once and does nothing (limits still hold; slow pieces are then re-asked).
 */
public final class LimitGrace { // public: bt calls its @Produces method through a public lookup
    private static final Logger log = LoggerFactory.getLogger(LimitGrace.class);
    private static final Method[] HANDLES = find();

    private final Bandwidth bandwidth;
    private final long timeoutNanos;

    public LimitGrace(Bandwidth bandwidth, Duration pieceTimeout) {
        this.bandwidth = bandwidth;
        this.timeoutNanos = pieceTimeout.toNanos();
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (HANDLES == null || !bandwidth.heldWithin(context.getTorrentId(), timeoutNanos)) {
            return;
        }
        try {
            Optional<?> assignment = (Optional<?>) HANDLES[0].invoke(context.getConnectionState());
            if (assignment.isPresent()) {
                HANDLES[1].invoke(assignment.get());
            }
        } catch (ReflectiveOperationException e) {
            log.debug("could not restart an assignment's clock: {}", e.toString());
        }
    }

    private static Method[] find() {
        try {
            Method current = ConnectionState.class.getDeclaredMethod("getCurrentAssignment");
            Method check = Class.forName("bt.torrent.messaging.Assignment").getDeclaredMethod("check");
            current.setAccessible(true);
            check.setAccessible(true);
            return new Method[]{current, check};
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("this bt version's piece clocks cannot be restarted; a download limit may make peers time out: {}",
                    e.toString());
            return null;
        }
    }
}
