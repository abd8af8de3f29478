package org.bitweb.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One version of one site, as a tree of files addressed by relative paths such as {@code img/a.png}. */
public interface SiteView {

    /** A strong validator for this version (the infohash): same version, same bytes. */
    String version();

    /** @param path relative, '/'-separated, no leading slash, already decoded and normalized */
    Optional<FileEntry> file(String path);

    /** True if some file lives under {@code path/} ({@code ""} is the root). */
    boolean isDirectory(String path);

    /**
     * Opens {@code length} bytes of a file starting at {@code offset}. May block while the bytes
     * arrive from peers; the stream fails with an IOException if they do not arrive in time.
     */
    InputStream open(FileEntry file, long offset, long length) throws IOException;

    /** A file of the site. */
    record FileEntry(String path, long length) {
        public FileEntry {
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length + " for " + path);
            }
        }
    }
}
