package org.bitweb.site;

import bt.data.StorageUnit;
import bt.net.buffer.ByteBufferView;
import org.bitweb.json.Json;
import org.bitweb.store.AtomicFiles;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The files of a site published on this machine, read and never written: the one way both bt
 * (uploads, through {@link #unit}) and the gateway (through {@link #open}) read them.
 *
 * <p>A site's copy in the store is never written after the publish, so versions can share its
 * files (hard links, {@link Publisher}). bt's own file storage opens every file for writing; this
 * opens them read-only and refuses writes.
 *
 * <p>A site seeded in place ({@code bitweb publish --in-place}) is read from the folder its owner
 * may still edit. Each file's size, modification time and identity are recorded when it was last
 * hashed; a read is accepted only if the file still has them after the bytes were read. A file
 * found changed is hashed again against the published piece hashes: if it still matches (a save
 * of the same bytes) it is served again, otherwise every read of it fails, so neither a peer nor
 * the browser gets bytes that are not the published ones. An edit that keeps a file's size, time
 * and identity (a deliberate {@code touch -d} back) is the one change this cannot see.
 */
public final class PublishedFiles implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PublishedFiles.class);
    /** In a site's folder in the store: the in-place folder and what each file looked like when hashed. */
    static final String IN_PLACE = "in-place.json";
    private static final int OPEN_FILES = 16;

    /** What a file looked like: its size, modification time (ns) and identity (inode). */
    record Stamp(long size, long mtimeNanos, String identity) {
        static Stamp of(Path file) throws IOException {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                        String.valueOf(a.fileKey()));
            } catch (NoSuchFileException e) {
                return new Stamp(-1, -1, "missing");
            }
        }
    }

    private final TorrentInfo info;
    private final List<Path> paths;
    /** Per file: the stamp its bytes were last found to match the torrent at; null for a store copy. */
    private final Stamp[] verified;
    /** Per file: a stamp at which it was found not to match (reads fail until it changes again). */
    private final Stamp[] refused;
    private final Path record;
    private final Map<Integer, FileChannel> open = new LinkedHashMap<>(OPEN_FILES, 0.75f, true);

    private PublishedFiles(TorrentInfo info, List<Path> paths, Stamp[] verified, Path record) {
        this.info = info;
        this.paths = paths;
        this.verified = verified;
        this.refused = new Stamp[paths.size()];
        this.record = record;
    }

    /** A site's copy in the store, under bt's storage root {@code data}. */
    public static PublishedFiles copy(TorrentInfo info, Path data) {
        List<Path> paths = new ArrayList<>();
        for (TorrentInfo.TorrentFile file : info.files()) {
            paths.add(DataLayout.path(data, info, file));
        }
        return new PublishedFiles(info, paths, null, null);
    }

    /** The files of a folder as published in place: their paths under {@code folder}, in torrent order. */
    static List<Path> inPlacePaths(TorrentInfo info, Path folder) {
        List<Path> paths = new ArrayList<>();
        for (TorrentInfo.TorrentFile file : info.files()) {
            Path path = folder;
            for (String part : file.path()) {
                path = path.resolve(part);
            }
            paths.add(path);
        }
        return paths;
    }

    /**
     * Records, in the site's folder in the store, the folder a site is seeded from and what its
     * files looked like when they were hashed.
     */
    static void recordInPlace(Path siteDir, Path folder, List<Stamp> stamps) throws IOException {
        List<Map<String, Object>> files = new ArrayList<>();
        for (Stamp stamp : stamps) {
            files.add(Map.of("size", stamp.size(), "mtimeNanos", stamp.mtimeNanos(), "identity", stamp.identity()));
        }
        AtomicFiles.write(siteDir.resolve(IN_PLACE), Json.bytes(Map.of("folder", folder.toString(), "files", files)));
    }

    /** A site seeded in place: its folder and hashed stamps as {@link #recordInPlace} left them. */
    public static PublishedFiles inPlace(TorrentInfo info, Path siteDir) throws IOException {
        Path record = siteDir.resolve(IN_PLACE);
        JsonNode json = Json.MAPPER.readTree(Files.readAllBytes(record));
        Path folder = Path.of(json.path("folder").asText());
        JsonNode files = json.path("files");
        if (files.size() != info.files().size()) {
            throw new IOException(record + " lists " + files.size() + " files, the torrent " + info.files().size());
        }
        Stamp[] stamps = new Stamp[files.size()];
        for (int i = 0; i < stamps.length; i++) {
            JsonNode f = files.get(i);
            stamps[i] = new Stamp(f.path("size").asLong(-2), f.path("mtimeNanos").asLong(-2), f.path("identity").asText(""));
        }
        return new PublishedFiles(info, inPlacePaths(info, folder), stamps, record);
    }

    public TorrentInfo info() {
        return info;
    }

    /** Whether reads check the file first (a site seeded in place). */
    public boolean checked() {
        return verified != null;
    }

    Path path(int index) {
        return paths.get(index);
    }

    /**
     * Reads bytes of file {@code index} at {@code offset} into {@code into}.
     *
     * @return bytes read, -1 at the end of the file
     * @throws IOException when the file cannot be read or no longer holds the published bytes
     */
    int read(int index, ByteBuffer into, long offset) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Stamp before = checked() ? ensureMatches(index) : null;
            int start = into.position();
            int n = channel(index).read(into, offset);
            if (before == null || before.equals(Stamp.of(paths.get(index)))) {
                return n;
            }
            into.position(start); // changed while it was read: those bytes may be the new ones
            if (attempt == 2) {
                throw new IOException(name(index) + " keeps changing; it is not served until it settles");
            }
        }
    }

    /** The stamp at which file {@code index} now matches the torrent, hashing it again if it changed. */
    private synchronized Stamp ensureMatches(int index) throws IOException {
        Path path = paths.get(index);
        Stamp now = Stamp.of(path);
        if (now.equals(verified[index])) {
            return now;
        }
        if (now.equals(refused[index])) {
            throw changed(index);
        }
        close(index); // an editor may have replaced the file: read the new one
        TorrentInfo.TorrentFile file = info.files().get(index);
        boolean matches = now.size() == file.length()
                && (file.length() == 0 || VersionReuse.matches(info, file, path))
                && now.equals(Stamp.of(path));
        if (!matches) {
            refused[index] = now;
            log.warn("{} changed since it was published; it is not served until it is published again", path);
            throw changed(index);
        }
        log.info("{} was touched but still holds the published bytes", path);
        verified[index] = now;
        refused[index] = null;
        persist();
        return now;
    }

    /**
     * Whether every file with bytes in piece {@code piece} still holds its published bytes (hashing
     * a file again if it changed): asked before bt reads a block of it for a peer.
     */
    public boolean servable(int piece) {
        if (!checked()) {
            return true;
        }
        long start = (long) piece * info.pieceLength();
        long end = start + info.pieceLength();
        List<TorrentInfo.TorrentFile> files = info.files();
        int low = 0;
        int high = files.size() - 1;
        while (low < high) { // the first file that ends after the piece starts (files are in offset order)
            int mid = (low + high) >>> 1;
            if (files.get(mid).offset() + files.get(mid).length() <= start) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        for (int i = low; i < files.size() && files.get(i).offset() < end; i++) {
            TorrentInfo.TorrentFile file = files.get(i);
            if (file.pad() || file.length() == 0 || file.offset() + file.length() <= start) {
                continue;
            }
            try {
                ensureMatches(i);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private IOException changed(int index) {
        return new IOException(paths.get(index) + " changed since it was published: publish the folder again");
    }

    private void persist() {
        try {
            Path folder = Path.of(Json.MAPPER.readTree(Files.readAllBytes(record)).path("folder").asText());
            recordInPlace(record.getParent(), folder, List.of(verified));
        } catch (IOException | RuntimeException e) {
            log.debug("cannot record the re-hashed files of {}: {}", info.infohash(), e.toString());
        }
    }

    private String name(int index) {
        return info.files().get(index).joined();
    }

    private FileChannel channel(int index) throws IOException {
        synchronized (open) {
            FileChannel channel = open.get(index);
            if (channel != null && channel.isOpen()) {
                return channel;
            }
            channel = FileChannel.open(paths.get(index), StandardOpenOption.READ);
            open.put(index, channel);
            if (open.size() > OPEN_FILES) {
                var eldest = open.entrySet().iterator().next();
                open.remove(eldest.getKey());
                closeQuietly(eldest.getValue()); // a read in flight on it fails and is asked again
            }
            return channel;
        }
    }

    private void close(int index) {
        synchronized (open) {
            FileChannel channel = open.remove(index);
            if (channel != null) {
                closeQuietly(channel);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /**
     * {@code length} bytes of a file from {@code offset} as a channel, for the gateway: a store
     * copy's own file channel (read straight into the gateway's direct buffers; the gateway never
     * reads past {@code length}), or, seeded in place, a channel whose every read is checked.
     */
    public ReadableByteChannel channel(int index, long offset, long length) throws IOException {
        checkRange(index, offset, length);
        if (!checked()) {
            FileChannel channel = FileChannel.open(paths.get(index), StandardOpenOption.READ);
            channel.position(offset);
            return channel;
        }
        ensureMatches(index); // a changed file fails before the response starts, not in the middle
        return new ReadableByteChannel() {
            private long position = offset;
            private final long end = offset + length;
            private boolean open = true;

            @Override
            public int read(ByteBuffer into) throws IOException {
                if (position >= end) {
                    return -1;
                }
                ByteBuffer part = into.slice(into.position(), (int) Math.min(into.remaining(), end - position));
                int n = readAt(index, part, position);
                if (n < 0) {
                    throw new IOException(name(index) + " is shorter on disk than in the torrent");
                }
                into.position(into.position() + n);
                position += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    private void checkRange(int index, long offset, long length) throws IOException {
        long fileLength = info.files().get(index).length();
        if (offset < 0 || length < 0 || offset + length > fileLength) {
            throw new IOException("range " + offset + "+" + length + " outside " + name(index));
        }
    }

    /** A stream of {@code length} bytes of a file from {@code offset}, for the gateway. */
    public InputStream open(int index, long offset, long length) throws IOException {
        checkRange(index, offset, length);
        if (checked()) {
            ensureMatches(index); // a changed file fails before the response starts, not in the middle
        }
        return new InputStream() {
            private long position = offset;
            private final long end = offset + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int n = readAt(index, ByteBuffer.wrap(buffer, off, (int) Math.min(len, end - position)), position);
                if (n < 0) {
                    throw new IOException(name(index) + " is shorter on disk than in the torrent");
                }
                position += n;
                return n;
            }
        };
    }

    /** {@link #read}, again once if another reader closed the shared channel meanwhile. */
    private int readAt(int index, ByteBuffer into, long offset) throws IOException {
        try {
            return read(index, into, offset);
        } catch (java.nio.channels.ClosedChannelException e) {
            return read(index, into, offset);
        }
    }

    /** bt's view of file {@code index}: reads through {@link #read}, writes refused. */
    public StorageUnit unit(int index) {
        return new Unit(index);
    }

    @Override
    public void close() {
        synchronized (open) {
            open.values().forEach(PublishedFiles::closeQuietly);
            open.clear();
        }
    }

    private final class Unit implements StorageUnit {
        private final int index;

        Unit(int index) {
            this.index = index;
        }

        @Override
        public int readBlock(ByteBuffer buffer, long offset) {
            try {
                return readAt(index, buffer, offset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int writeBlock(ByteBuffer buffer, long offset) {
            throw refuse();
        }

        @Override
        public int writeBlock(ByteBufferView buffer, long offset) {
            throw refuse();
        }

        @Override
        public boolean createEmpty() {
            return Files.isRegularFile(paths.get(index));
        }

        private UnsupportedOperationException refuse() {
            return new UnsupportedOperationException("a published site's files are never written: " + name(index));
        }

        @Override
        public long capacity() {
            return info.files().get(index).length();
        }

        @Override
        public long size() {
            try {
                return Files.size(paths.get(index));
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        public void close() {
            PublishedFiles.this.close(index);
        }

        @Override
        public String toString() {
            return Objects.toString(paths.get(index));
        }
    }
}
