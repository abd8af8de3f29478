package org.bitweb.bt;

import bt.data.ChunkDescriptor;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.net.buffer.DelegatingByteBufferView;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a block that came shorter than bt's block because the rest of it is padding
 * ({@link ShortRequestProducer}) as the whole block, zeros after the bytes that came. bt counts a
 * block as here only when a write covers all of it: the short block alone would leave the piece
 * incomplete, never verified, until bt's piece timeout asked for the whole block again. The
 * zeros themselves go nowhere (a pad file's writes are dropped); the piece is verified against
 * its hash as any other.
 */
final class PaddedBlocks implements DataWorker {
    private final DataWorker worker;
    private final TorrentRegistry torrents;

    PaddedBlocks(DataWorker worker, TorrentRegistry torrents) {
        this.worker = worker;
        this.torrents = torrents;
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrent, Peer peer, int piece, int offset, int length) {
        return worker.addBlockRequest(torrent, peer, piece, offset, length);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrent, Peer peer, int piece, int offset, BufferedData block) {
        ChunkDescriptor chunk = chunk(torrent, piece);
        if (chunk == null || offset % chunk.blockSize() != 0) {
            return worker.addBlock(torrent, peer, piece, offset, block);
        }
        int whole = (int) Math.min(chunk.blockSize(), chunk.length() - offset);
        int came = block.length();
        if (came >= whole || ShortRequestProducer.realBytes(chunk, offset, whole) > came) {
            return worker.addBlock(torrent, peer, piece, offset, block); // a whole block, or not padding after it
        }
        byte[] bytes = new byte[whole]; // zeros after what came
        byte[] head = new byte[came];
        block.buffer().duplicate().get(head); // (bt's transferTo copies the other way, into the view)
        System.arraycopy(head, 0, bytes, 0, came);
        block.dispose(); // copied: the connection's buffer is free again
        return worker.addBlock(torrent, peer, piece, offset,
                new BufferedData(new DelegatingByteBufferView(ByteBuffer.wrap(bytes))));
    }

    private ChunkDescriptor chunk(TorrentId torrent, int piece) {
        List<ChunkDescriptor> chunks = torrents.getDescriptor(torrent)
                .map(TorrentDescriptor::getDataDescriptor)
                .map(d -> d.getChunkDescriptors())
                .orElse(null);
        return chunks == null || piece < 0 || piece >= chunks.size() ? null : chunks.get(piece);
    }
}
