package org.bitweb.bt;

import bt.protocol.crypto.EncryptionPolicy;
import bt.runtime.Config;

import java.time.Duration;

/**
 * bt's transfer settings, tuned. Its defaults are slow on a fast link (about 6 MB/s on loopback):
 * the message loop sleeps up to 100 ms when idle and only 3 pieces are in flight per peer, so a
 * fast peer waits on us. docs/TUNING.md has the measurements behind each value.
 */
public final class Tuning {
    private Tuning() {
    }

    /** Bytes of each connection's inbound (and outbound) buffer. */
    static final int NETWORK_BUFFER = 256 * 1024;

    public static void apply(Config config) {
        // Pieces in flight per peer are the main lever: 32 pieces and 1000 outstanding block
        // requests take a bt download on loopback from about 5 to about 40 MB/s; on the internet
        // they are spread over several peers and still bounded.
        config.setMaxSimultaneouslyAssignedPieces(Integer.getInteger("bitweb.bt.piecesInFlight", 32));
        config.setMaxOutstandingRequests(Integer.getInteger("bitweb.bt.outstandingRequests", 1000));
        // The message loop backs off exponentially when idle up to this cap. For bulk transfers
        // 10 ms is as fast as 1 ms, but each request/response turn of opening a site (handshake,
        // file list, first piece) can wait for it: 1 ms opens a cold site in ~0.4 s instead of
        // ~1.2 s (bench/run.sh open), for about a thousand cheap wake-ups a second when idle.
        config.setMaxMessageProcessingInterval(Duration.ofMillis(Long.getLong("bitweb.bt.loopMillis", 1)));
        config.setNumOfHashingThreads(2);
        // Encryption (MSE) off: bt 1.10's implementation sleeps 1 s between handshake reads,
        // which made every site take 2-3 s to open, garbles RC4 streams with Transmission, and
        // often fails on libtorrent's encrypted handshake (docs/TUNING.md). Plaintext peers and
        // those that merely prefer encryption (libtorrent's default) connect; peers that insist
        // on encryption do not.
        config.setMseDisabled(!Boolean.getBoolean("bitweb.bt.mse"));
        config.setEncryptionPolicy(EncryptionPolicy.PREFER_PLAINTEXT);
        // bt fills a peer's piece assignment only when it is made or a piece finishes, and drops
        // it after this long without a block. Reading on demand, an assignment made while
        // nothing was wanted stays empty until then, so this is also how long a newly wanted
        // piece (the next page) can wait: short, and re-assigned after a short pause instead of
        // bt's one-minute ban of the peer (with one peer, that ban froze a page for a minute).
        config.setMaxPieceReceivingTime(Duration.ofMillis(Long.getLong("bitweb.bt.pieceTimeoutMillis", 1_500)));
        config.setTimeoutedAssignmentPeerBanDuration(Duration.ofMillis(Long.getLong("bitweb.bt.assignmentBanMillis", 250)));
        // A peer that refused one connection (say, a seeder whose site was still starting) is
        // tried again after this, not after bt's 30 minutes: a site often has a single seeder.
        // Each connection's inbound buffer: what one read of it can take at most. A download limit
        // pays for a read after it was made, so this is the largest burst (and pause) under a
        // limit: 1 MB (bt's) meant 5 s pauses at 200 KB/s; 256 KiB is still 16 block messages.
        config.setNetworkBufferSize(Integer.getInteger("bitweb.bt.networkBuffer", NETWORK_BUFFER));
        config.setUnreachablePeerBanDuration(Duration.ofSeconds(Long.getLong("bitweb.bt.unreachableBanSeconds", 10)));
    }

    // bt services replaced for speed (TransferModule, PrivacyModule). Each can be switched off
    // with -Dbitweb.bt.<name>=false for side-by-side runs (bench/run.sh engine --variant ...).
    // Engine -> engine, 200 MB site, loopback, 2 shared cores, medians of 7 interleaved trials:
    // all three off 69 MB/s; receive loop 105; + TCP_NODELAY 329; + prompt handshake reads 423
    // (libtorrent -> libtorrent in the same run: 158). docs/TUNING.md has the breakdown.

    /**
     * Our receive loop instead of bt's, whose registration of each new connection spins both
     * engines' threads for 0.5-3.5 s on two cores ({@link ReceiveLoop}): 69 -> 105 MB/s.
     */
    static boolean receiveLoop() {
        return !"false".equals(System.getProperty("bitweb.bt.receiveLoop"));
    }

    /**
     * Our message loop instead of bt's ({@link MessageLoop}): it sleeps while there is no peer
     * connection instead of waking every millisecond. An idle engine: 1.3 % of a core -> see
     * docs/TUNING.md, "An idle engine".
     */
    static boolean messageLoop() {
        return !"false".equals(System.getProperty("bitweb.bt.messageLoop"));
    }

    /**
     * Handshake reads that answer within a millisecond instead of in bt's 100 ms steps
     * ({@link PromptReads}): the file list of a site on loopback in 0.02 s instead of 0.14 s
     * (0.06 instead of 0.21 s with Nagle's algorithm on).
     */
    public static boolean promptHandshake() {
        return !"false".equals(System.getProperty("bitweb.bt.promptHandshake"));
    }

    /**
     * TCP_NODELAY on peer connections (set by {@link ReceiveLoop}, so only with it): bt writes
     * each small message (a block request) with its own write, which Nagle's algorithm held back
     * until the peer's delayed acknowledgement: a steady 117 MB/s in bursts with ~30 ms gaps,
     * 508 MB/s without it. Costs one small packet per request, about one per 16 KiB received.
     */
    static boolean noDelay() {
        return !"false".equals(System.getProperty("bitweb.bt.noDelay"));
    }
}
