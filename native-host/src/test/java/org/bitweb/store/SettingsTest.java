package org.bitweb.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** settings.json: defaults, files written before a setting existed, and the checks. */
class SettingsTest {
    @TempDir
    Path temp;

    @Test
    void aMissingFileGivesTheDefaults() throws Exception {
        Settings settings = Settings.load(new StateDir(temp));
        assertEquals(Settings.DEFAULTS, settings);
        assertTrue(settings.keepSeeding());
        assertTrue(settings.lanDiscovery(), "local peer discovery is on by default");
        assertEquals(24, settings.oldVersionGraceHours(), "older versions are kept a day by default");
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

    @Test
    void theGracePeriodIsADayByDefault() {
        assertEquals(24, Settings.DEFAULTS.oldVersionGraceHours());
        assertEquals(Optional.of(Duration.ofHours(24)), Settings.DEFAULTS.oldVersionGrace());
        assertEquals(24, new Settings(false, 0).oldVersionGraceHours());
        assertEquals(24, new Settings(false, 0, null, false).oldVersionGraceHours());
    }

    @Test
    void zeroHoursMeansUntilACopyExistsElsewhere() {
        Settings zero = Settings.DEFAULTS.withOldVersionGraceHours(0);
        assertEquals(0, zero.oldVersionGraceHours());
        assertEquals(Optional.empty(), zero.oldVersionGrace(), "no time limit: only a copy elsewhere retires");
        assertEquals(Optional.of(Duration.ofHours(8760)), Settings.DEFAULTS.withOldVersionGraceHours(8760).oldVersionGrace());
    }

    @Test
    void graceValuesOutsideZeroToAYearAreRefusedSayingTheRange() {
        for (long bad : new long[] {-1, 8761, Integer.MAX_VALUE + 1L, Long.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.checkGraceHours(bad));
            assertTrue(e.getMessage().contains("oldVersionGraceHours must be 0") && e.getMessage().contains("8760")
                    && e.getMessage().endsWith("not " + bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Settings.DEFAULTS.withOldVersionGraceHours(-1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(true, 0, null, true, 9000));
    }

    @Test
    void theFileKeepsTheGraceAndAnOlderFileGetsTheDefault() throws IOException {
        StateDir state = new StateDir(temp.resolve("home"));
        state.create();
        Settings chosen = new Settings(false, 5, null, true, 0);
        chosen.save(state);
        String text = Files.readString(state.settings());
        assertTrue(text.contains("\"oldVersionGraceHours\" : 0"), text);
        assertEquals(chosen, Settings.load(state));

        // written before the setting existed
        Files.writeString(state.settings(), "{\"keepSeeding\": false, \"storageLimitBytes\": 7, \"socks5Proxy\": null}");
        assertEquals(new Settings(false, 7, null, true, 24), Settings.load(state));

        Files.writeString(state.settings(), "{\"keepSeeding\": true, \"storageLimitBytes\": 0, \"oldVersionGraceHours\": -3}");
        IOException refused = assertThrows(IOException.class, () -> Settings.load(state));
        assertTrue(refused.getMessage().contains(state.settings().toString()), refused.getMessage());
    }

    @Test
    void theStorageLimitIsAutomaticByDefaultAndForFilesThatKeptTheOldDefault() throws IOException {
        assertTrue(Settings.DEFAULTS.storageLimitAuto(), "a laptop's disk is protected out of the box");
        StateDir state = new StateDir(temp.resolve("auto"));
        state.create();
        // a file from before the setting: 0 was the old default, not a choice
        Files.writeString(state.settings(), "{\"keepSeeding\": true, \"storageLimitBytes\": 0}");
        assertTrue(Settings.load(state).storageLimitAuto());
        // ... but a limit the user had set stays theirs
        Files.writeString(state.settings(), "{\"keepSeeding\": true, \"storageLimitBytes\": 5000000000}");
        Settings kept = Settings.load(state);
        assertFalse(kept.storageLimitAuto());
        assertEquals(5_000_000_000L, kept.storageLimitBytes());
        // and "no limit" chosen after the setting existed stays no limit
        new Settings(true, 0, null, true, 24, false).save(state);
        assertFalse(Settings.load(state).storageLimitAuto());
    }
}
