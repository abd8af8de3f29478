package org.bitweb.site;

import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.FileIndex;
import org.bitweb.torrent.TorrentInfo;
import org.bitweb.torrent.TorrentMaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The copies a folder's earlier publishes left in the store, for {@link TorrentMaker} to link
 * unchanged files to. Only sites published from the same folder, and only their store copies
 * (never a folder seeded in place, which its owner may edit): a published copy is never written
 * again, so sharing its inode with a newer version is safe. Candidates are found by path and
 * length; TorrentMaker compares their bytes before linking, so a stale candidate costs a read,
 * never a wrong file.
 */
final class EarlierVersions implements TorrentMaker.EarlierCopies {
    private static final Logger log = LoggerFactory.getLogger(EarlierVersions.class);

    private record Version(TorrentInfo info, Path data, FileIndex files) {
    }

    private final List<Version> versions;

    private EarlierVersions(List<Version> versions) {
        this.versions = versions;
    }

    /** The store copies of earlier publishes of {@code source}, newest first. */
    static EarlierVersions of(StateDir dir, SiteStore store, Path source) {
        List<Version> versions = new ArrayList<>();
        List<SiteRecord> earlier = store.list().stream()
                .filter(r -> r.published() && !r.inPlace() && source.toString().equals(r.source()))
                .sorted(Comparator.comparingLong(SiteRecord::added).reversed())
                .toList();
        for (SiteRecord record : earlier) {
            Path siteDir = dir.site(record.infohash());
            try {
                TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT)));
                versions.add(new Version(info, siteDir.resolve(SiteFiles.DATA), FileIndex.of(info)));
            } catch (IOException | RuntimeException e) {
                log.debug("earlier version {} unreadable, not linked to: {}", record.infohash(), e.toString());
            }
        }
        return new EarlierVersions(versions);
    }

    @Override
    public Path find(String path, long length) {
        for (Version version : versions) {
            TorrentInfo.TorrentFile file = version.files().file(path);
            if (file == null || file.length() != length) {
                continue;
            }
            Path copy = DataLayout.path(version.data(), version.info(), file);
            try {
                if (Files.isRegularFile(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(copy) == length) {
                    return copy;
                }
            } catch (IOException e) {
                // gone meanwhile: try the next version
            }
        }
        return null;
    }
}
