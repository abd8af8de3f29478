package org.bitweb.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
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

    /**
     * The same bytes as {@link #open}, as a channel the gateway reads into its pooled (direct)
     * buffers. A view whose file is on disk returns the file's own channel, positioned at
     * {@code offset}, which spares a copy through the heap; the gateway never reads more than
     * {@code length} bytes from it.
     */
    default ReadableByteChannel channel(FileEntry file, long offset, long length) throws IOException {
        InputStream in = open(file, offset, length);
        return new ReadableByteChannel() {
            private final byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(1, length))];
            private boolean open = true;

            @Override
            public int read(ByteBuffer into) throws IOException {
                int n = in.read(chunk, 0, Math.min(chunk.length, into.remaining()));
                if (n > 0) {
                    into.put(chunk, 0, n);
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() throws IOException {
                open = false;
                in.close();
            }
        };
    }

    /** A file of the site. */
    record FileEntry(String path, long length) {
        public FileEntry {
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length + " for " + path);
            }
        }
    }
}
