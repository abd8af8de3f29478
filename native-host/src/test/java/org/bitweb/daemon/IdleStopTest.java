package org.bitweb.daemon;

import org.bitweb.engine.EngineOptions;
import org.bitweb.messaging.EngineClient;
import org.bitweb.json.Json;
import org.bitweb.store.Settings;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine a browser started stops after the last browser leaves, unless the user keeps seeding. */
@Timeout(60)
class IdleStopTest {
    @TempDir
    Path temp;

    private static boolean stopsWithin(EngineDaemon daemon, long millis) throws Exception {
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                daemon.awaitStop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            stopped.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    void stopsWhenTheLastBrowserLeavesAndKeepSeedingIsOff() throws Exception {
        StateDir state = new StateDir(temp.resolve("home"));
        state.create();
        new Settings(false, 0).save(state);
        EngineDaemon daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()), true);
        try (EngineClient browser = EngineClient.connect(state.socket())) {
            browser.request("hello", Json.object());
        }
        assertTrue(stopsWithin(daemon, EngineDaemon.IDLE_GRACE_MS + 15_000), "stopped after the grace period");
        assertFalse(Files.exists(state.socket()), "the control socket is gone");
    }

    @Test
    void keepsRunningWhenTheUserKeepsSeeding() throws Exception {
        StateDir state = new StateDir(temp.resolve("home"));
        EngineDaemon daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()), true);
        try {
            try (EngineClient browser = EngineClient.connect(state.socket())) {
                browser.request("hello", Json.object());
            }
            assertFalse(stopsWithin(daemon, EngineDaemon.IDLE_GRACE_MS + 2_000), "still running");
        } finally {
            daemon.close();
        }
    }
}
