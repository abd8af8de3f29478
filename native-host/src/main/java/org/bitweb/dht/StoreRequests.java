package org.bitweb.dht;

import lbms.plugins.mldht.kad.RPCCall;
import lbms.plugins.mldht.kad.RPCCallListener;
import lbms.plugins.mldht.kad.RPCServer;
import lbms.plugins.mldht.kad.RPCState;
import lbms.plugins.mldht.kad.messages.ErrorMessage;
import lbms.plugins.mldht.kad.messages.MessageBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Asks the {@link ItemLookup#K} closest nodes that handed out a write token to store something,
 * each with its own token: a signed BEP 44 item ({@code put}) or this node as a peer of a torrent
 * ({@code announce_peer}). A node that refuses, stays silent or is slow is replaced by the next
 * closest token holder. Counts the nodes that <em>stored</em> it: an answer, not an error (mldht's
 * {@code PutTask} and {@code AnnounceTask} count errors too), plus nodes whose refusal says they
 * hold it already ({@code alreadyHeld}: bittorrent-dht refuses a put of an equal seq with error
 * 302, where mldht and libtorrent take it and refresh its expiry).
 *
 * <p>A request that is not answered within {@link ItemLookup#SLOW_MS} is sent once more, {@link
 * #RETRY_MS} after the first: UDP loses packets, and an mldht node drops requests from an address
 * that sent it more than ten in the last few seconds (2 a second after that), which one node
 * publishing or announcing several things to the same closest nodes reaches on a small network.
 */
final class StoreRequests {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRequests.class);
    /** BEP 44: "sequence number less than current". */
    static final int SEQ_LESS_THAN_CURRENT = 302;
    /** When an unanswered put is sent again, after the first. */
    static final long RETRY_MS = 1_250;

    private enum State { ASKED, SLOW, STORED, FAILED }

    private final RPCServer server;
    private final String what;
    private final Function<ItemLookup.Candidate, MessageBase> request;
    private final BiPredicate<ItemLookup.Candidate, ErrorMessage> alreadyHeld;
    private final ScheduledExecutorService executor;
    private final Deque<ItemLookup.Candidate> waiting;
    private final Map<ItemLookup.Candidate, State> asked = new HashMap<>();
    private final Map<ItemLookup.Candidate, Long> sentAt = new HashMap<>();
    private final Map<ItemLookup.Candidate, Integer> attempts = new HashMap<>();
    private Consumer<StoreRequests> onDone = put -> {
    };
    private final java.util.concurrent.CompletableFuture<StoreRequests> finished = new java.util.concurrent.CompletableFuture<>();
    private boolean done;

    /**
     * @param what         for logs, e.g. "put 1A2B... seq 3"
     * @param tokenHolders closest first, each with its token
     * @param request      the request to send one of them (destination and token set)
     * @param alreadyHeld  whether an error answer means the node holds it already
     */
    StoreRequests(RPCServer server, String what, List<ItemLookup.Candidate> tokenHolders,
                  Function<ItemLookup.Candidate, MessageBase> request, BiPredicate<ItemLookup.Candidate, ErrorMessage> alreadyHeld,
                  ScheduledExecutorService executor) {
        this.server = server;
        this.what = what;
        this.request = request;
        this.alreadyHeld = alreadyHeld;
        this.executor = executor;
        this.waiting = new ArrayDeque<>(tokenHolders);
    }

    StoreRequests onDone(Consumer<StoreRequests> onDone) {
        this.onDone = onDone;
        return this;
    }

    /** Completes (with this) once the round is done, however it ended; never on cancel. */
    java.util.concurrent.CompletableFuture<StoreRequests> finished() {
        return finished;
    }

    synchronized void start() {
        pump();
    }

    synchronized void cancel() {
        done = true;
    }

    /** Nodes that stored it (so far). */
    synchronized int stored() {
        return (int) asked.values().stream().filter(s -> s == State.STORED).count();
    }

    /** The nodes that stored it (so far). */
    synchronized List<ItemLookup.Candidate> storedOn() {
        return asked.entrySet().stream().filter(e -> e.getValue() == State.STORED).map(Map.Entry::getKey).toList();
    }

    /** Nodes sent a put (so far). */
    synchronized int sent() {
        return asked.size();
    }

    private void pump() {
        if (done) {
            return;
        }
        long stored = asked.values().stream().filter(s -> s == State.STORED).count();
        long pending = asked.values().stream().filter(s -> s == State.ASKED || s == State.SLOW).count();
        long active = asked.values().stream().filter(s -> s == State.ASKED).count();
        // keep K puts going (stored, or on their way) as long as there are token holders left
        while (stored + active < ItemLookup.K && !waiting.isEmpty()) {
            send(waiting.poll());
            active++;
            pending++;
        }
        if (active > 0) {
            return;
        }
        long now = System.nanoTime();
        long waitMs = asked.entrySet().stream().filter(e -> e.getValue() == State.SLOW)
                .mapToLong(e -> ItemLookup.GRACE_MS - TimeUnit.NANOSECONDS.toMillis(now - sentAt.get(e.getKey())))
                .filter(left -> left > 0).max().orElse(0);
        if (pending > 0 && waitMs > 0) {
            executor.schedule(this::recheck, waitMs, TimeUnit.MILLISECONDS);
            return;
        }
        done = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: stored on {} of {} nodes asked: {}", what, stored, asked.size(), asked.entrySet().stream().map(e -> e.getKey().address.getAddress().getHostAddress() + "=" + e.getValue()).toList());
        }
        onDone.accept(this);
        finished.complete(this);
    }

    private synchronized void recheck() {
        guarded(this::pump);
    }

    private void send(ItemLookup.Candidate c) {
        asked.put(c, State.ASKED);
        call(c);
    }

    /** Sends the put again to a node that has not answered yet. */
    private synchronized void retry(ItemLookup.Candidate c) {
        guarded(() -> {
            if (!done && asked.get(c) == State.SLOW) {
                call(c);
            }
        });
    }

    private void call(ItemLookup.Candidate c) {
        MessageBase message = request.apply(c);
        message.setDestination(c.address);
        RPCCall call = new RPCCall(message).setExpectedID(c.id).setExpectedRTT(ItemLookup.SLOW_MS);
        call.addListener(new RPCCallListener() {
            @Override
            public void stateTransition(RPCCall rpc, RPCState from, RPCState to) {
                executor.execute(() -> event(c, rpc, to));
            }
        });
        sentAt.put(c, System.nanoTime());
        attempts.merge(c, 1, Integer::sum);
        server.doCall(call);
    }

    private synchronized void event(ItemLookup.Candidate c, RPCCall call, RPCState to) {
        guarded(() -> {
            State now = asked.get(c);
            if (now == State.STORED || now == State.FAILED) {
                return;
            }
            switch (to) {
                case RESPONDED -> asked.put(c, call.getResponse().getType() == MessageBase.Type.RSP_MSG ? State.STORED : State.FAILED);
                case ERROR -> asked.put(c, alreadyHeld(c, call.getResponse()) ? State.STORED : State.FAILED);
                case TIMEOUT -> {
                    if (attempts.get(c) == 1) {
                        asked.put(c, State.FAILED);
                    } else {
                        return; // the retry may still be answered
                    }
                }
                case STALLED -> {
                    if (now == State.SLOW) {
                        return; // the retry stalled too: its grace runs from its own sending
                    }
                    asked.put(c, State.SLOW);
                    if (attempts.get(c) == 1) {
                        long delay = RETRY_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt.get(c));
                        executor.schedule(() -> retry(c), Math.max(0, delay), TimeUnit.MILLISECONDS);
                    }
                }
                default -> {
                    return;
                }
            }
            pump();
        });
    }

    private boolean alreadyHeld(ItemLookup.Candidate c, MessageBase error) {
        if (!(error instanceof ErrorMessage message)) {
            return false;
        }
        boolean held = alreadyHeld.test(c, message);
        if (!held) {
            LOG.debug("{}: {} refused with {} {}", what, c.address, message.getCode(), message.getMessage());
        }
        return held;
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("DHT {} failed; ending it with what it has", what, e);
            if (!done) {
                done = true;
                onDone.accept(this);
                finished.complete(this);
            }
        }
    }
}
