package org.bitweb.updates;

import org.bitweb.keys.SiteKey;
import org.bitweb.store.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a kept key site's older versions go: the rule alone, with the clock given. */
class RetirementRuleTest {
    private static final String CURRENT = "2222222222222222222222222222222222222222";
    private static final String OLDER = "1111111111111111111111111111111111111111";
    private static final long NOW = 10_000L * 24 * 3600 * 1000;
    private static final Duration DAY = Duration.ofHours(24);

    private static KeySiteRecord record(boolean seeding, long updated, List<String> previous) {
        SiteKey key = SiteKey.generate("blog");
        return new KeySiteRecord(key.signItem(new byte[0], 2, SiteValue.encode(CURRENT)), CURRENT, "blog", seeding, updated,
                false, previous);
    }

    private static KeySiteRecord kept(Duration age) {
        return record(true, NOW - age.toMillis(), List.of(OLDER));
    }

    @Test
    void theGracePeriodRetiresOnceItHasPassed() {
        assertEquals(Optional.empty(), OldVersions.retirement(kept(Duration.ofHours(23)), DAY, false, NOW));
        Optional<String> due = OldVersions.retirement(kept(DAY), DAY, false, NOW);
        assertTrue(due.orElseThrow().contains("grace period (24 h)"), due.toString());
    }

    @Test
    void aCopyElsewhereRetiresAtOnceWhateverTheGrace() {
        Optional<String> why = OldVersions.retirement(kept(Duration.ZERO), Duration.ofDays(365), true, NOW);
        assertTrue(why.orElseThrow().contains("another peer"), why.toString());
        assertTrue(OldVersions.retirement(kept(Duration.ZERO), UpdateTiming.UNTIL_COPIED, true, NOW).isPresent());
    }

    @Test
    void zeroHoursWaitsForACopyElsewhereHoweverLong() {
        Duration grace = Settings.DEFAULTS.withOldVersionGraceHours(0).oldVersionGrace().orElse(UpdateTiming.UNTIL_COPIED);
        assertEquals(UpdateTiming.UNTIL_COPIED, grace);
        assertEquals(Optional.empty(), OldVersions.retirement(record(true, 0, List.of(OLDER)), grace, false, NOW),
                "decades after the new version came, and nobody else holds it");
    }

    @Test
    void onlyKeptSitesWithOlderVersionsHaveAnythingToRetire() {
        assertEquals(Optional.empty(), OldVersions.retirement(record(false, 0, List.of(OLDER)), Duration.ZERO, true, NOW),
                "a visited site's versions are left to the storage limit");
        assertEquals(Optional.empty(), OldVersions.retirement(record(true, 0, List.of()), Duration.ZERO, true, NOW));
    }
}
