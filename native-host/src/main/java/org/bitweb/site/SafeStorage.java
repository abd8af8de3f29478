package org.bitweb.site;

import org.bitweb.bt.Padding;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;

/**
 * bt's file storage behind a check of every name a stranger's torrent gives: a torrent whose file
 * names would climb out of the site's folder, or land on another file than the one the gateway
 * reads, fails here before anything touches the disk. Its units are tagged with the site, so the
 * fast-resume verifier can tell which site bt is checking.
 */
public final class SafeStorage implements Storage {
    private final FileSystemStorage delegate;
    private final String site;

    public SafeStorage(Path root, String site) {
        this.delegate = new FileSystemStorage(root);
        this.site = site;
    }

    @Override
    public StorageUnit getUnit(Torrent torrent, TorrentFile file) {
        if (isPad(torrent, file)) {
            return new SiteUnit(new ZeroUnit(file.getSize()), site);
        }
        if (torrent.getFiles().size() != 1) {
            TorrentInfo.checkName(torrent.getName().getBytes(StandardCharsets.UTF_8), "name");
        }
        if (file.getPathElements().isEmpty()) {
            throw new IllegalArgumentException("torrent file with an empty path");
        }
        for (String part : file.getPathElements()) {
            TorrentInfo.checkName(part.getBytes(StandardCharsets.UTF_8), "path element");
        }
        PublishedFiles published = this.published;
        return new SiteUnit(published != null ? published.unit(indexOf(torrent, file)) : delegate.getUnit(torrent, file), site);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    private Map<TorrentFile, Integer> indexes;
    private List<TorrentInfo.TorrentFile> ours;
    private volatile TorrentInfo known;
    private volatile PublishedFiles published;

    /** The torrent's metadata as already read by the caller, so it is not parsed a second time. */
    public SafeStorage withInfo(TorrentInfo info) {
        known = info;
        return this;
    }

    /**
     * A site published here: read through {@code files} (never written, checked when seeded in
     * place) rather than bt's file storage.
     */
    public SafeStorage readingThrough(PublishedFiles files) {
        known = files.info();
        published = files;
        return this;
    }

    /** Whether the torrent's own metadata marks this file as padding (bt itself ignores BEP 47). */
    private boolean isPad(Torrent torrent, TorrentFile file) {
        return ours(torrent).get(indexOf(torrent, file)).pad();
    }

    private synchronized int indexOf(Torrent torrent, TorrentFile file) {
        ours(torrent);
        Integer index = indexes.get(file);
        if (index == null) { // not one of the torrent's own objects: by its path, if it names one file
            for (int i = 0; i < ours.size(); i++) {
                if (!ours.get(i).pad() && ours.get(i).path().equals(file.getPathElements())) {
                    return i;
                }
            }
            throw new IllegalArgumentException("not a file of " + site + ": " + file.getPathElements());
        }
        return index;
    }

    private synchronized List<TorrentInfo.TorrentFile> ours(Torrent torrent) {
        if (indexes == null) {
            indexes = new IdentityHashMap<>();
            List<TorrentFile> files = torrent.getFiles();
            TorrentInfo info = known;
            if (info == null || !info.infohash().equals(org.bitweb.address.Hex.encode(torrent.getTorrentId().getBytes()))) {
                info = TorrentInfo.parseInfo(torrent.getSource().getExchangedMetadata());
            }
            List<TorrentInfo.TorrentFile> list = info.files();
            if (list.size() != files.size()) {
                throw new IllegalArgumentException("torrent lists " + files.size() + " files, its metadata " + list.size());
            }
            for (int i = 0; i < files.size(); i++) {
                indexes.put(files.get(i), i);
            }
            ours = list;
        }
        return ours;
    }

    /**
     * A BEP 47 pad file: zeros that take no disk. Writes are dropped: a piece with other bytes
     * where the padding is fails its hash anyway.
     */
    static final class ZeroUnit implements StorageUnit {
        private static final byte[] ZEROS = new byte[64 * 1024];
        private final long length;

        ZeroUnit(long length) {
            this.length = length;
        }

        /** How many of {@code wanted} bytes from {@code offset} lie within the padding. */
        private int within(int wanted, long offset) {
            return (int) Math.min(wanted, Math.max(0, length - offset));
        }

        @Override
        public int readBlock(ByteBuffer buffer, long offset) {
            int n = within(buffer.remaining(), offset);
            for (int left = n; left > 0; left -= Math.min(left, ZEROS.length)) {
                buffer.put(ZEROS, 0, Math.min(left, ZEROS.length));
            }
            return n;
        }

        @Override
        public void readBlockFully(ByteBuffer buffer, long offset) {
            readBlock(buffer, offset);
        }

        @Override
        public int writeBlock(ByteBuffer buffer, long offset) {
            int n = within(buffer.remaining(), offset);
            buffer.position(buffer.position() + n);
            return n;
        }

        @Override
        public void writeBlockFully(ByteBuffer buffer, long offset) {
            writeBlock(buffer, offset);
        }

        @Override
        public int writeBlock(ByteBufferView buffer, long offset) {
            int n = within(buffer.remaining(), offset);
            buffer.position(buffer.position() + n);
            return n;
        }

        @Override
        public void writeBlockFully(ByteBufferView buffer, long offset) {
            writeBlock(buffer, offset);
        }

        @Override
        public boolean createEmpty() {
            return true;
        }

        @Override
        public long capacity() {
            return length;
        }

        @Override
        public long size() {
            return length;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "padding of " + length + " bytes";
        }
    }

    /** A storage unit that knows which site it belongs to. */
    static final class SiteUnit implements StorageUnit, Padding {
        private final StorageUnit unit;
        final String site;

        SiteUnit(StorageUnit unit, String site) {
            this.unit = unit;
            this.site = site;
        }

        /** Whether this is a pad file's zeros rather than a file on disk. */
        @Override
        public boolean padding() {
            return unit instanceof ZeroUnit;
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
