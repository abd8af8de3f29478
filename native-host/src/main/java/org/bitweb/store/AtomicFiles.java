package org.bitweb.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes that a crash or {@code kill -9} cannot tear: the new content goes to a temporary file in
 * the same folder, is forced to disk, then renamed over the old one. A reader sees the old file or
 * the new one, never half of either.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, false);
    }

    /** Like {@link #write} but the file is created readable by its owner only (private keys). */
    public static void writePrivate(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * Like {@link #writePrivate} but never replaces a file: the content is written to a temporary
     * owner-only file, forced to disk, then hard-linked to {@code target}, which fails at once if
     * the name is taken, even when two processes race for it (a private key must never be
     * overwritten by another one).
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists
     */
    public static void writePrivateNew(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString());
        }
        Path temp = writeTemp(dir, target, content, true);
        try {
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException e) {
                Files.move(temp, target); // no hard links on this file system: fails too if target exists
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void write(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = writeTemp(dir, target, content, ownerOnly);
        try {
            move(temp, target);
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code content} to a new temporary file beside {@code target}, forced to disk. */
    private static Path writeTemp(Path dir, Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path temp = ownerOnly && posix(dir)
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp", ownerOnlyAttribute())
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Renames atomically where the file system can, which every local POSIX file system does. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename durable; a no-op where directories cannot be opened (Windows). */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the rename itself is already atomic
        }
    }

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static FileAttribute<Set<PosixFilePermission>> ownerOnlyAttribute() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }
}
