package org.bitweb.torrent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A torrent's files by their '/'-joined path, and the folders they make, as the gateway looks them
 * up. Pad files are not part of the site: they are not listed.
 */
public record FileIndex(Map<String, TorrentInfo.TorrentFile> files, Set<String> directories) {
    public static final FileIndex EMPTY = new FileIndex(Map.of(), Set.of());

    public FileIndex {
        files = Map.copyOf(files);
        directories = Set.copyOf(directories);
    }

    public static FileIndex of(TorrentInfo info) {
        Map<String, TorrentInfo.TorrentFile> files = new HashMap<>();
        Set<String> directories = new HashSet<>();
        directories.add("");
        for (TorrentInfo.TorrentFile file : info.contentFiles()) {
            String path = file.joined();
            files.put(path, file);
            for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/')) {
                path = path.substring(0, slash);
                directories.add(path);
            }
        }
        return new FileIndex(files, directories);
    }

    /** The file at {@code path}, or null. */
    public TorrentInfo.TorrentFile file(String path) {
        return files.get(path);
    }

    public boolean isDirectory(String path) {
        return directories.contains(path);
    }
}
