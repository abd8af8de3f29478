package org.bitweb.engine;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.data.file.FileSystemStorage;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import bt.net.buffer.ByteBufferView;
import org.bitweb.torrent.TorrentInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * bt's file storage behind a check of every name a stranger's torrent gives: a torrent whose file
 * names would climb out of the site's folder, or land on another file than the one the gateway
 * reads, fails here before anything touches the disk. Its units are tagged with the site, so the
 * fast-resume verifier can tell which site bt is checking.
 */
final class SafeStorage implements Storage {
    private final FileSystemStorage delegate;
    private final String site;

    SafeStorage(Path root, String site) {
        this.delegate = new FileSystemStorage(root);
        this.site = site;
    }

    @Override
    public StorageUnit getUnit(Torrent torrent, TorrentFile file) {
        if (torrent.getFiles().size() != 1) {
            TorrentInfo.checkName(torrent.getName().getBytes(StandardCharsets.UTF_8), "name");
        }
        if (file.getPathElements().isEmpty()) {
            throw new IllegalArgumentException("torrent file with an empty path");
        }
        for (String part : file.getPathElements()) {
            TorrentInfo.checkName(part.getBytes(StandardCharsets.UTF_8), "path element");
        }
        return new SiteUnit(delegate.getUnit(torrent, file), site);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    /** A storage unit that knows which site it belongs to. */
    static final class SiteUnit implements StorageUnit {
        private final StorageUnit unit;
        final String site;

        SiteUnit(StorageUnit unit, String site) {
            this.unit = unit;
            this.site = site;
        }

        @Override
        public int readBlock(ByteBuffer buffer, long offset) {
            return unit.readBlock(buffer, offset);
        }

        @Override
        public void readBlockFully(ByteBuffer buffer, long offset) {
            unit.readBlockFully(buffer, offset);
        }

        @Override
        public int writeBlock(ByteBuffer buffer, long offset) {
            return unit.writeBlock(buffer, offset);
        }

        @Override
        public void writeBlockFully(ByteBuffer buffer, long offset) {
            unit.writeBlockFully(buffer, offset);
        }

        @Override
        public int writeBlock(ByteBufferView buffer, long offset) {
            return unit.writeBlock(buffer, offset);
        }

        @Override
        public void writeBlockFully(ByteBufferView buffer, long offset) {
            unit.writeBlockFully(buffer, offset);
        }

        @Override
        public boolean createEmpty() {
            return unit.createEmpty();
        }

        @Override
        public long capacity() {
            return unit.capacity();
        }

        @Override
        public long size() {
            return unit.size();
        }

        @Override
        public void close() throws IOException {
            unit.close();
        }

        @Override
        public String toString() {
            return unit.toString();
        }
    }
}
