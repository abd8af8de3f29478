package org.bitweb.updates;

import java.time.Duration;

/**
 * How often updatable sites talk to the DHT.
 *
 * @param recheck      a site being read is asked for again at most this often (stale-while-revalidate),
 *                     and a site a tab shows, once the watched rechecks have backed off ({@link Watching})
 * @param republish    how often the items of kept sites are put again (BEP 44 items expire after
 *                     about two hours; every seeder puts the item it holds about hourly)
 * @param firstRepublish delay from the engine's start to its first round of puts
 * @param getTimeout   the most one lookup of an item may take
 * @param putTimeout   the most one put may take
 * @param oldVersionGrace how long the older versions of a kept site stay seeded after a newer one
 *                     arrived, so visitors in the middle of one can finish it; they are retired
 *                     sooner once another peer holds the whole newer one, and {@link #UNTIL_COPIED}
 *                     retires them only then (the user's {@code oldVersionGraceHours}, docs/UPDATES.md)
 * @param watchedRecheck how often a site is asked for while a tab shows it (the gateway served it
 *                     in the last two minutes), so a reader no peer tells of a new version still
 *                     sees it within seconds; backs off from there ({@link Watching})
 */
public record UpdateTiming(Duration recheck, Duration republish, Duration firstRepublish, Duration getTimeout,
                           Duration putTimeout, Duration oldVersionGrace, Duration watchedRecheck) {
    public static final UpdateTiming DEFAULTS = new UpdateTiming(Duration.ofSeconds(60), Duration.ofMinutes(60),
            Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofHours(24), Duration.ofSeconds(5));

    /** An {@code oldVersionGrace} that never runs out: older versions wait for a copy of the new one elsewhere. */
    public static final Duration UNTIL_COPIED = java.time.temporal.ChronoUnit.FOREVER.getDuration();

    public UpdateTiming {
        for (Duration d : new Duration[] {recheck, republish, firstRepublish, getTimeout, putTimeout, oldVersionGrace, watchedRecheck}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("update timings must not be negative: " + d);
            }
        }
        if (republish.isZero()) {
            throw new IllegalArgumentException("the republish interval must be positive");
        }
    }

    /** Both rechecks: a site is asked for again this often, whether a tab shows it or not. */
    public UpdateTiming withRecheck(Duration d) {
        return new UpdateTiming(d, republish, firstRepublish, getTimeout, putTimeout, oldVersionGrace, d);
    }

    public UpdateTiming withWatchedRecheck(Duration d) {
        return new UpdateTiming(recheck, republish, firstRepublish, getTimeout, putTimeout, oldVersionGrace, d);
    }

    public UpdateTiming withRepublish(Duration every, Duration first) {
        return new UpdateTiming(recheck, every, first, getTimeout, putTimeout, oldVersionGrace, watchedRecheck);
    }

    public UpdateTiming withTimeouts(Duration get, Duration put) {
        return new UpdateTiming(recheck, republish, firstRepublish, get, put, oldVersionGrace, watchedRecheck);
    }

    public UpdateTiming withOldVersionGrace(Duration grace) {
        return new UpdateTiming(recheck, republish, firstRepublish, getTimeout, putTimeout, grace, watchedRecheck);
    }
}
