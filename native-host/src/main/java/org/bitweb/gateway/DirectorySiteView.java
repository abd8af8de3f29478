package org.bitweb.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * A site served from a folder on disk: for previewing a site before publishing it, and for tests.
 * Whatever path it is given, it only ever opens regular files whose real path (links resolved)
 * lies inside the folder.
 */
public final class DirectorySiteView implements SiteView {

    private final Path root;
    private final String version;

    /**
     * @param root    the site's folder
     * @param version the version to report (an ETag input: change it when the folder changes)
     */
    public DirectorySiteView(Path root, String version) throws IOException {
        this.root = root.toRealPath();
        this.version = Objects.requireNonNull(version, "version");
        if (!Files.isDirectory(this.root)) {
            throw new IOException("not a folder: " + root);
        }
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Optional<FileEntry> file(String path) {
        return inside(path).filter(Files::isRegularFile).flatMap(p -> {
            try {
                return Optional.of(new FileEntry(path, Files.size(p)));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public boolean isDirectory(String path) {
        return inside(path).filter(Files::isDirectory).isPresent();
    }

    @Override
    public ReadableByteChannel channel(FileEntry file, long offset, long length) throws IOException {
        return fileChannel(file, offset);
    }

    private FileChannel fileChannel(FileEntry file, long offset) throws IOException {
        Path p = inside(file.path()).filter(Files::isRegularFile)
                .orElseThrow(() -> new IOException("no such file in the site: " + file.path()));
        FileChannel channel = FileChannel.open(p, StandardOpenOption.READ);
        channel.position(offset);
        return channel;
    }

    @Override
    public InputStream open(FileEntry file, long offset, long length) throws IOException {
        FileChannel channel = fileChannel(file, offset);
        return new InputStream() {
            private final InputStream in = Channels.newInputStream(channel);
            private long left = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The real path of {@code path} if it exists and lies inside the root. */
    private Optional<Path> inside(String path) {
        try {
            Path p = root.resolve(path).normalize();
            if (!p.startsWith(root) || !Files.exists(p)) {
                return Optional.empty();
            }
            Path real = p.toRealPath();
            return real.startsWith(root) ? Optional.of(real) : Optional.empty();
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }
}
