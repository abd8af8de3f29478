package org.bitweb.engine;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.data.file.FileSystemStorage;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import org.bitweb.torrent.TorrentInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * bt's file storage behind a check of every name a stranger's torrent gives: a torrent whose file
 * names would climb out of the site's folder, or land on another file than the one the gateway
 * reads, fails here before anything touches the disk.
 */
final class SafeStorage implements Storage {
    private final FileSystemStorage delegate;

    SafeStorage(Path root) {
        this.delegate = new FileSystemStorage(root);
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
        return delegate.getUnit(torrent, file);
    }

    @Override
    public void flush() {
        delegate.flush();
    }
}
