package org.bitweb.site;

import org.bitweb.gateway.SiteView;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.FileIndex;
import org.bitweb.torrent.TorrentInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A site whose bytes are all on this machine (published here, or fully downloaded). Only paths
 * listed in the torrent are served, so nothing else in the folder can leak through the gateway.
 */
public final class LocalSiteView implements SiteView {
    private final TorrentInfo info;
    private final Path dataRoot;
    private final FileIndex files;

    public LocalSiteView(TorrentInfo info, Path dataRoot) {
        this.info = info;
        this.dataRoot = dataRoot;
        this.files = FileIndex.of(info);
    }

    @Override
    public String version() {
        return info.infohash();
    }

    @Override
    public Optional<FileEntry> file(String path) {
        TorrentInfo.TorrentFile file = files.file(path);
        return file == null ? Optional.empty() : Optional.of(new FileEntry(path, file.length()));
    }

    @Override
    public boolean isDirectory(String path) {
        return files.isDirectory(path);
    }

    /** The file's own channel: the gateway reads it straight into its direct buffers. */
    @Override
    public ReadableByteChannel channel(FileEntry entry, long offset, long length) throws IOException {
        return fileChannel(entry, offset, length);
    }

    private FileChannel fileChannel(FileEntry entry, long offset, long length) throws IOException {
        TorrentInfo.TorrentFile file = files.file(entry.path());
        if (file == null) {
            throw new IOException("not in site " + info.infohash() + ": " + entry.path());
        }
        if (offset < 0 || length < 0 || offset + length > file.length()) {
            throw new IOException("range " + offset + "+" + length + " outside " + entry.path());
        }
        FileChannel channel = FileChannel.open(diskPath(file), StandardOpenOption.READ);
        channel.position(offset);
        return channel;
    }

    @Override
    public InputStream open(FileEntry entry, long offset, long length) throws IOException {
        InputStream whole = Channels.newInputStream(fileChannel(entry, offset, length));
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = whole.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = whole.read(buffer, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                } else if (n < 0) {
                    throw new IOException(entry.path() + " is shorter on disk than in the torrent");
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                whole.close();
            }
        };
    }

    Path diskPath(TorrentInfo.TorrentFile file) {
        return DataLayout.path(dataRoot, info, file);
    }
}
