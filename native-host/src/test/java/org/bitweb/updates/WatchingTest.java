package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How often a key site a tab shows is asked for, from the last time the gateway served it. */
class WatchingTest {
    private static final SiteAddress SITE = new SiteAddress(SiteAddress.Kind.INFOHASH, "ab".repeat(20));
    private static final SiteAddress OTHER = new SiteAddress(SiteAddress.Kind.INFOHASH, "cd".repeat(20));
    private static final long MIN = 60_000;
    private final Watching watching = new Watching();
    private final UpdateTiming timing = UpdateTiming.DEFAULTS;

    @Test
    void everyFiveSecondsWhileReadThenBackingOffThenNotAtAll() {
        watching.read(SITE, 0);
        assertEquals(Optional.of(Duration.ofSeconds(5)), watching.interval(SITE, MIN, timing));
        assertEquals(Optional.of(Duration.ofSeconds(15)), watching.interval(SITE, 3 * MIN, timing));
        assertEquals(Optional.of(Duration.ofSeconds(60)), watching.interval(SITE, 15 * MIN, timing));
        assertEquals(Optional.empty(), watching.interval(SITE, 31 * MIN, timing));
        assertEquals(Optional.empty(), watching.interval(OTHER, 0, timing), "a site nobody read is not watched");
        watching.read(SITE, 31 * MIN);
        assertEquals(Optional.of(Duration.ofSeconds(5)), watching.interval(SITE, 31 * MIN + 1, timing), "reading again starts over");
    }

    @Test
    void aSiteIsDueOnceItsIntervalPassedSinceItsLastCheck() {
        watching.read(SITE, 0);
        watching.read(OTHER, 0);
        Map<SiteAddress, Long> checked = Map.of(SITE, 10_000L);
        // OTHER was never checked: due at once; SITE was checked at 10 s: due from 15 s on
        assertEquals(List.of(OTHER), watching.due(14_000, timing, checked::get));
        assertEquals(2, watching.due(15_000, timing, checked::get).size());
    }

    @Test
    void sitesNobodyReadForHalfAnHourAreForgotten() {
        watching.read(SITE, 0);
        assertEquals(List.of(), watching.due(30 * MIN, timing, s -> null));
        watching.read(SITE, 30 * MIN + 1);
        assertEquals(List.of(SITE), watching.due(30 * MIN + 2, timing, s -> null));
    }

    @Test
    void aTimingThatRechecksRarelyIsFollowed() {
        // tests that must see an update come from a peer, not from the DHT, recheck hourly
        watching.read(SITE, 0);
        assertEquals(Optional.of(Duration.ofHours(1)), watching.interval(SITE, 1, timing.withRecheck(Duration.ofHours(1))));
        assertEquals(Optional.of(Duration.ofSeconds(1)), watching.interval(SITE, 1, timing.withRecheck(Duration.ofSeconds(1))));
    }
}
