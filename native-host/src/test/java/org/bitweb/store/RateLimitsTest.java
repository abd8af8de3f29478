package org.bitweb.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate limits in settings.json: none by default, a slow-link preset, rates as people write them. */
class RateLimitsTest {
    static final String SITE = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path temp;

    @Test
    void aSettingsFileFromBeforeRateLimitsHasNone() throws Exception {
        StateDir dir = new StateDir(temp).create();
        Files.writeString(dir.settings(), "{\"keepSeeding\": true, \"storageLimitBytes\": 0}");
        Settings settings = Settings.load(dir);
        assertEquals(RateLimits.NONE, settings.rateLimits());
        assertEquals(Map.of(), settings.siteRateLimits());
        assertEquals(RateLimits.NONE, Settings.DEFAULTS.rateLimits());
    }

    @Test
    void limitsForAllSitesAndForOneAreSavedAndReadBack() throws Exception {
        StateDir dir = new StateDir(temp).create();
        Settings chosen = Settings.DEFAULTS.withRateLimits(RateLimits.SLOW_LINK)
                .withSiteRateLimits(SITE, new RateLimits(20_000, 0));
        chosen.save(dir);
        String json = Files.readString(dir.settings());
        assertTrue(json.contains("\"uploadBytesPerSecond\" : 50000"), json);
        assertEquals(chosen, Settings.load(dir));
        assertEquals(Map.of(), chosen.withSiteRateLimits(SITE, RateLimits.NONE).siteRateLimits(), "NONE removes a site's limits");
    }

    @Test
    void theSlowLinkPresetTakesUnderHalfOfAOneMegabitUplink() {
        assertEquals(RateLimits.SLOW_LINK, RateLimits.preset("slow-link"));
        assertTrue(RateLimits.SLOW_LINK.uploadBytesPerSecond() * 8 < 1_000_000 / 2);
        assertEquals(RateLimits.NONE, RateLimits.preset("none"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.preset("fast"));
    }

    @Test
    void ratesAreReadAsPeopleWriteThem() {
        assertEquals(100_000, RateLimits.parseRate("100K"));
        assertEquals(100_000, RateLimits.parseRate("100 KB/s"));
        assertEquals(512 * 1024, RateLimits.parseRate("512KiB"));
        assertEquals(1_500_000, RateLimits.parseRate("1.5M"));
        assertEquals(20_000, RateLimits.parseRate("20000"));
        assertEquals(0, RateLimits.parseRate("0"));
        assertEquals(0, RateLimits.parseRate("off"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> RateLimits.parseRate("fast"));
        assertTrue(bad.getMessage().contains("100K"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parseRate("-5K"));
        assertThrows(IllegalArgumentException.class, () -> RateLimits.parseRate("1K"), "under a block a second");
    }

    @Test
    void badLimitsInTheFileAreRefusedWithTheirName() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimits(-1, 0));
        IllegalArgumentException notAnInfohash = assertThrows(IllegalArgumentException.class,
                () -> Settings.DEFAULTS.withSiteRateLimits("example.bitweb", RateLimits.SLOW_LINK));
        assertTrue(notAnInfohash.getMessage().contains("infohash"));
    }
}
