package org.bitweb.engine;

import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One engine per state folder: whoever holds this OS file lock owns the store. The OS drops the
 * lock when the process dies, even by {@code kill -9}, so a crash never leaves a stale lock.
 */
public final class EngineLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. On Linux, closing any descriptor of a file drops the process's
     * lock on it, so a refused second attempt must not even open the file.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** The lock {@link #acquireFirst} took, until the engine's start takes it ({@link #tryAcquire}). */
    private static EngineLock first;

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock as the process's first act, for the engine's start to take with
     * {@link #tryAcquire}: the engine a browser's bridge starts does this before it listens on
     * the gateway's port, so that only the engine that will run holds that port, and one that
     * gives way to an engine already starting never takes the port from under it (this class
     * has no logger: nothing here sets up logging, docs/TUNING.md item 13).
     *
     * @return whether this process now holds the lock (if not, the start says why)
     */
    public static synchronized boolean acquireFirst(StateDir dir) {
        try {
            Optional<EngineLock> taken = acquire(dir);
            if (taken.isPresent()) {
                first = taken.get(); // no lambda: its first use sets up the JVM's method handles, before the port
            }
            return taken.isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the lock ({@link #acquireFirst}'s, once), or empty if another process (or this one) holds it */
    public static Optional<EngineLock> tryAcquire(StateDir dir) throws IOException {
        synchronized (EngineLock.class) {
            if (first != null && first.path.equals(dir.lock())) {
                EngineLock taken = first;
                first = null;
                return Optional.of(taken);
            }
        }
        return acquire(dir);
    }

    private static Optional<EngineLock> acquire(StateDir dir) throws IOException {
        dir.create();
        Path path = dir.lock();
        if (!HELD.add(path)) {
            return Optional.empty();
        }
        boolean acquired = false;
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    return Optional.empty();
                }
                acquired = true;
                return Optional.of(new EngineLock(path, channel, lock));
            } catch (OverlappingFileLockException e) {
                channel.close();
                return Optional.empty();
            }
        } finally {
            if (!acquired) {
                HELD.remove(path);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } finally {
            HELD.remove(path);
        }
    }
}
