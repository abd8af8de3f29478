package org.bitweb.fetch;

import org.bitweb.bt.Tuning;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Lets a page that is asked for start downloading at once instead of up to 1.5 s later.
 *
 * <p>bt gives each ready peer an "assignment" and fills it with pieces from our
 * {@link PiecePicker} only when it is made and when one of its pieces finishes. Reading on demand,
 * an assignment is often made while nothing is wanted; it then stays empty until bt drops it
 * after the piece timeout (1.5 s, {@link Tuning}), and a page asked for in between waited for
 * that. This agent runs on bt's message loop, the thread that owns the assignments: when a site's
 * wanted pieces change, it has each empty assignment of that site claim them right away.
 *
 * <p>bt 1.10 keeps assignments package-private, so this reaches them by reflection; if that is
 * not possible (another bt version) it logs once and does nothing, and the timeout still applies.
 */
public final class AssignmentNudge { // public: bt calls its @Produces method through a public lookup
    private static final Logger log = LoggerFactory.getLogger(AssignmentNudge.class);
    private static final Handles HANDLES = Handles.find();

    private final Map<TorrentId, PiecePicker> pickers = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Long> seen = new ConcurrentHashMap<>();

    public void register(TorrentId torrent, PiecePicker picker) {
        pickers.put(torrent, picker);
    }

    public void unregister(TorrentId torrent) {
        pickers.remove(torrent);
    }

    public void disconnected(ConnectionKey connection) {
        seen.remove(connection);
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (HANDLES == null) {
            return;
        }
        PiecePicker picker = pickers.get(context.getTorrentId());
        if (picker == null) {
            return;
        }
        long generation = picker.generation();
        Long last = seen.get(context.getConnectionKey());
        if (last != null && last == generation) {
            return; // nothing newly wanted since this connection was last looked at (the usual case)
        }
        seen.put(context.getConnectionKey(), generation);
        HANDLES.refill(context.getConnectionState());
    }

    /** The reflective doors into bt's assignments, found once. */
    private record Handles(Method currentAssignment, Method pieces, Method claim, Method check) {
        static Handles find() {
            try {
                Method current = ConnectionState.class.getDeclaredMethod("getCurrentAssignment");
                Class<?> assignment = Class.forName("bt.torrent.messaging.Assignment");
                Method pieces = assignment.getDeclaredMethod("getPieces");
                Method claim = assignment.getDeclaredMethod("claimPiecesIfNeeded");
                Method check = assignment.getDeclaredMethod("check");
                for (Method m : new Method[]{current, pieces, claim, check}) {
                    m.setAccessible(true);
                }
                return new Handles(current, pieces, claim, check);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.warn("this bt version's assignments cannot be refilled; pages may wait for bt's piece timeout: {}",
                        e.toString());
                return null;
            }
        }

        /** Has an empty assignment claim what is wanted now, and restarts its timeout if it got any. */
        void refill(ConnectionState state) {
            try {
                Optional<?> assignment = (Optional<?>) currentAssignment.invoke(state);
                if (assignment.isEmpty()) {
                    return;
                }
                Object current = assignment.get();
                if (!((Collection<?>) pieces.invoke(current)).isEmpty()) {
                    return; // busy: bt refills it when one of its pieces finishes
                }
                claim.invoke(current);
                if (!((Collection<?>) pieces.invoke(current)).isEmpty()) {
                    check.invoke(current); // the clock runs from now, not from when it sat empty
                }
            } catch (ReflectiveOperationException e) {
                log.debug("could not refill an assignment: {}", e.toString());
            }
        }
    }
}
