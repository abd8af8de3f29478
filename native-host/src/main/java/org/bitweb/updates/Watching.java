package org.bitweb.updates;

import org.bitweb.address.SiteAddress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which key sites someone is reading, and how often the DHT is asked for their newest version
 * meanwhile. The sign that a tab shows a site is the gateway serving it (every page, image and
 * script a tab loads goes through the gateway); a reader no peer tells of a new version (BEP 10,
 * {@link ItemExchange}) learns of it only this way. Since the last request for the site:
 *
 * <ul>
 *   <li>up to 2 minutes: every {@link UpdateTiming#watchedRecheck()} (5 s), so a new version
 *       is seen within seconds of its publish;</li>
 *   <li>up to 10 minutes: three times as long (15 s): the tab may still be open, the reader is
 *       not clicking;</li>
 *   <li>up to 30 minutes: every {@link UpdateTiming#recheck()} (60 s);</li>
 *   <li>after that, not at all: the next request checks again (stale-while-revalidate).</li>
 * </ul>
 *
 * One lookup is about 8 requests (docs/DHT.md), so an open site costs at most about 100 requests
 * a minute while read, 30 a minute for the next 8 minutes, 8 a minute until half an hour has
 * passed, then nothing.
 */
final class Watching {
    static final Duration ACTIVE = Duration.ofMinutes(2);
    static final Duration IDLE = Duration.ofMinutes(10);
    static final Duration GONE = Duration.ofMinutes(30);

    private final Map<SiteAddress, Long> lastRead = new ConcurrentHashMap<>();

    /** The gateway served {@code site} at {@code nowMillis}. */
    void read(SiteAddress site, long nowMillis) {
        lastRead.merge(site, nowMillis, Math::max);
    }

    /** How often {@code site} is asked for now; empty when nobody has read it for {@link #GONE}. */
    Optional<Duration> interval(SiteAddress site, long nowMillis, UpdateTiming timing) {
        Long read = lastRead.get(site);
        if (read == null) {
            return Optional.empty();
        }
        long since = nowMillis - read;
        if (since < ACTIVE.toMillis()) {
            return Optional.of(min(timing.watchedRecheck(), timing.recheck()));
        }
        if (since < IDLE.toMillis()) {
            return Optional.of(min(timing.watchedRecheck().multipliedBy(3), timing.recheck()));
        }
        if (since < GONE.toMillis()) {
            return Optional.of(timing.recheck());
        }
        return Optional.empty();
    }

    /**
     * The sites to ask for now: read lately, last checked at least their interval ago ({@code
     * lastCheck}: epoch millis, or null for never). Forgets sites nobody read for {@link #GONE}.
     */
    List<SiteAddress> due(long nowMillis, UpdateTiming timing, Function<SiteAddress, Long> lastCheck) {
        lastRead.values().removeIf(read -> nowMillis - read >= GONE.toMillis());
        return lastRead.keySet().stream()
                .filter(site -> interval(site, nowMillis, timing)
                        .map(every -> {
                            Long checked = lastCheck.apply(site);
                            return checked == null || nowMillis - checked >= every.toMillis();
                        })
                        .orElse(false))
                .toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
