package org.bitweb.engine;

import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One engine per state folder: whoever holds this OS file lock owns the store. The OS drops the
 * lock when the process dies, even by {@code kill -9}, so a crash never leaves a stale lock.
 */
public final class EngineLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @return the lock, or empty if another process holds it */
    public static Optional<EngineLock> tryAcquire(StateDir dir) throws IOException {
        dir.create();
        FileChannel channel = FileChannel.open(dir.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new EngineLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        if (lock.isValid()) {
            lock.release();
        }
        channel.close();
    }
}
