package org.bitweb.torrent;

import java.nio.file.Path;

/**
 * Where a torrent's files live under a storage root. This must match bt's FileSystemStorage, which
 * seeds and downloads there: a torrent with exactly one file keeps it directly under the root
 * (whatever the torrent's layout), any other under {@code <root>/<name>/}.
 */
public final class DataLayout {
    private DataLayout() {
    }

    public static Path path(Path dataRoot, TorrentInfo info, TorrentInfo.TorrentFile file) {
        Path base = info.files().size() == 1 ? dataRoot : dataRoot.resolve(info.name());
        for (String part : file.path()) {
            base = base.resolve(part);
        }
        return base;
    }

    /** The folder files are copied into when publishing {@code fileCount} files named {@code name}. */
    public static Path folder(Path dataRoot, String name, int fileCount) {
        return fileCount == 1 ? dataRoot : dataRoot.resolve(name);
    }
}
