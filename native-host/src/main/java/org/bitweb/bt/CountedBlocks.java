package org.bitweb.bt;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;

import java.util.concurrent.CompletableFuture;

/**
 * Counts every block bt takes to write for its site ({@link Bandwidth#received}), at the length it
 * came: outside {@link PaddedBlocks}, which fills a shortened block with zeros. bt hands over a
 * block here only if it was asked for and its piece is not verified yet, the blocks its own
 * session counted.
 */
final class CountedBlocks implements DataWorker {
    private final DataWorker worker;
    private final Bandwidth bandwidth;

    CountedBlocks(DataWorker worker, Bandwidth bandwidth) {
        this.worker = worker;
        this.bandwidth = bandwidth;
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrent, Peer peer, int piece, int offset, int length) {
        return worker.addBlockRequest(torrent, peer, piece, offset, length);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrent, Peer peer, int piece, int offset, BufferedData block) {
        bandwidth.received(torrent, block.length());
        return worker.addBlock(torrent, peer, piece, offset, block);
    }
}
