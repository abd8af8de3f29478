package org.bitweb.bt;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * A peer connection as bt's handshake handlers see it, answering a blocking read as soon as the
 * message is there. bt's own connection waits on a condition nobody signals, in 100 ms steps: each
 * side of every handshake lost up to 100 ms, and a site's file list came 0.14-0.21 s after asking
 * on loopback instead of 0.02-0.06 s (bench/run.sh engine). Here the read looks again every
 * 0.1-1 ms; a handshake takes one or two reads.
 */
public final class PromptReads implements PeerConnection {
    private final PeerConnection connection;

    private PromptReads(PeerConnection connection) {
        this.connection = connection;
    }

    /** {@code handler}, reading through this. */
    public static ConnectionHandler of(ConnectionHandler handler) {
        return connection -> handler.handleConnection(new PromptReads(connection));
    }

    @Override
    public Message readMessage(long timeout) throws IOException {
        long deadline = System.nanoTime() + timeout * 1_000_000;
        long pause = 100_000;
        for (;;) {
            Message message = connection.readMessageNow();
            if (message != null || connection.isClosed() || System.nanoTime() - deadline > 0) {
                return message;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
        }
    }

    @Override
    public Message readMessageNow() throws IOException {
        return connection.readMessageNow();
    }

    @Override
    public Peer getRemotePeer() {
        return connection.getRemotePeer();
    }

    @Override
    public int getRemotePort() {
        return connection.getRemotePort();
    }

    @Override
    public TorrentId setTorrentId(TorrentId torrentId) {
        return connection.setTorrentId(torrentId);
    }

    @Override
    public TorrentId getTorrentId() {
        return connection.getTorrentId();
    }

    @Override
    public void postMessage(Message message) throws IOException {
        connection.postMessage(message);
    }

    @Override
    public long getLastActive() {
        return connection.getLastActive();
    }

    @Override
    public void closeQuietly() {
        connection.closeQuietly();
    }

    @Override
    public boolean isClosed() {
        return connection.isClosed();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
