package org.bitweb.engine;

import bt.protocol.crypto.EncryptionPolicy;
import bt.runtime.Config;

import java.time.Duration;

/**
 * bt's transfer settings, tuned. Its defaults are slow on a fast link (about 6 MB/s on loopback):
 * the message loop sleeps up to 100 ms when idle and only 3 pieces are in flight per peer, so a
 * fast peer waits on us. docs/TUNING.md has the measurements behind each value.
 */
final class Tuning {
    private Tuning() {
    }

    static void apply(Config config) {
        // The loop backs off exponentially from 1 ms when idle, so a low cap costs little CPU
        // at rest and removes up to 100 ms of latency from every request/response turn.
        config.setMaxMessageProcessingInterval(Duration.ofMillis(Long.getLong("bitweb.bt.loopMillis", 1)));
        // Pieces in flight per peer: with 64 KiB pieces, 16 keep 64 blocks requested, enough
        // for a fast LAN peer, and still few enough to spread over several peers on the internet.
        config.setMaxSimultaneouslyAssignedPieces(Integer.getInteger("bitweb.bt.piecesInFlight", 16));
        config.setMaxOutstandingRequests(Integer.getInteger("bitweb.bt.outstandingRequests", 250));
        // Plaintext when the peer accepts it (encryption still offered): on loopback and LAN
        // the cipher is pure cost; peers that insist on encryption still get it.
        config.setEncryptionPolicy(EncryptionPolicy.PREFER_PLAINTEXT);
        // A piece request that goes unanswered (seen on loopback right after the file list
        // arrives) is given up after this and asked again, after a short pause, instead of bt's
        // one-minute ban of the peer: the first page of a site waits seconds, not a minute.
        config.setMaxPieceReceivingTime(Duration.ofMillis(Long.getLong("bitweb.bt.pieceTimeoutMillis", 3_000)));
        config.setTimeoutedAssignmentPeerBanDuration(Duration.ofMillis(Long.getLong("bitweb.bt.assignmentBanMillis", 1_000)));
        // During the encryption handshake bt polls the socket and sleeps this long between reads
        // (default 1 s): three or four of those made opening a site take 2-3 s even on loopback.
        // The handshake's own timeout still bounds it on a slow link.
        config.setMseWaitBetweenReads(Duration.ofMillis(Long.getLong("bitweb.bt.mseWaitMillis", 10)));
        config.setMseDisabled(Boolean.getBoolean("bitweb.bt.mseDisabled"));
    }
}
