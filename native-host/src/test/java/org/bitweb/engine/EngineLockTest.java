package org.bitweb.engine;

import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One engine per state folder, and the lock the bridge's engine takes as its first act. */
class EngineLockTest {
    @TempDir
    Path tmp;

    @Test
    void aLockTakenFirstIsTheStartsOnceAndNobodyElses() throws Exception {
        StateDir dir = new StateDir(tmp.resolve("state"));
        assertTrue(EngineLock.acquireFirst(dir));
        Optional<EngineLock> start = EngineLock.tryAcquire(dir);
        assertTrue(start.isPresent(), "the start takes the lock taken first");
        try (EngineLock held = start.get()) {
            assertFalse(EngineLock.tryAcquire(dir).isPresent(), "taken once: a second engine in this JVM is refused");
            assertFalse(EngineLock.acquireFirst(dir), "nor taken first again while held");
        }
        try (EngineLock again = EngineLock.tryAcquire(dir).orElseThrow()) {
            assertTrue(again != null, "free again once closed");
        }
    }

    @Test
    void aLockTakenFirstForOneFolderIsNotAnothersToTake() throws Exception {
        StateDir mine = new StateDir(tmp.resolve("mine"));
        StateDir other = new StateDir(tmp.resolve("other"));
        assertTrue(EngineLock.acquireFirst(mine));
        try (EngineLock otherLock = EngineLock.tryAcquire(other).orElseThrow();
             EngineLock mineLock = EngineLock.tryAcquire(mine).orElseThrow()) {
            assertFalse(otherLock == mineLock);
        }
    }
}
