package org.bitweb.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** settings.json: defaults, and files written before a setting existed. */
class SettingsTest {
    @TempDir
    Path temp;

    @Test
    void aMissingFileGivesTheDefaults() throws Exception {
        Settings settings = Settings.load(new StateDir(temp));
        assertEquals(Settings.DEFAULTS, settings);
        assertTrue(settings.keepSeeding());
        assertTrue(settings.lanDiscovery(), "local peer discovery is on by default");
    }

    @Test
    void aFileFromBeforeLanDiscoveryExistedKeepsItOn() throws Exception {
        StateDir dir = new StateDir(temp);
        dir.create();
        Files.writeString(dir.settings(), "{\"keepSeeding\": false, \"storageLimitBytes\": 5, \"socks5Proxy\": null}");
        Settings settings = Settings.load(dir);
        assertFalse(settings.keepSeeding());
        assertEquals(5, settings.storageLimitBytes());
        assertTrue(settings.lanDiscovery());
    }

    @Test
    void lanDiscoveryOffIsSavedAndReadBack() throws Exception {
        StateDir dir = new StateDir(temp);
        dir.create();
        new Settings(true, 0, null, false).save(dir);
        assertTrue(Files.readString(dir.settings()).contains("\"lanDiscovery\" : false"));
        assertFalse(Settings.load(dir).lanDiscovery());
    }
}
