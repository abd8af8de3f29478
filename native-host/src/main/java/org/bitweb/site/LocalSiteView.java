package org.bitweb.site;

import org.bitweb.gateway.SiteView;
import org.bitweb.torrent.FileIndex;
import org.bitweb.torrent.TorrentInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A site published on this machine, read through {@link PublishedFiles} (the same reads bt uploads
 * from). Only paths listed in the torrent are served, so nothing else in the folder can leak
 * through the gateway.
 */
public final class LocalSiteView implements SiteView {
    private final PublishedFiles published;
    private final TorrentInfo info;
    private final FileIndex files;
    private final Map<String, Integer> indexes = new HashMap<>();

    public LocalSiteView(PublishedFiles published) {
        this.published = published;
        this.info = published.info();
        this.files = FileIndex.of(info);
        for (int i = 0; i < info.files().size(); i++) {
            if (!info.files().get(i).pad()) {
                indexes.put(info.files().get(i).joined(), i);
            }
        }
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

    /** A store copy's own file channel (the gateway reads it straight into its direct buffers), or a checked one in place. */
    @Override
    public ReadableByteChannel channel(FileEntry entry, long offset, long length) throws IOException {
        return published.channel(index(entry), offset, length);
    }

    @Override
    public InputStream open(FileEntry entry, long offset, long length) throws IOException {
        return published.open(index(entry), offset, length);
    }

    private int index(FileEntry entry) throws IOException {
        Integer index = files.file(entry.path()) == null ? null : indexes.get(entry.path());
        if (index == null) {
            throw new IOException("not in site " + info.infohash() + ": " + entry.path());
        }
        return index;
    }
}
