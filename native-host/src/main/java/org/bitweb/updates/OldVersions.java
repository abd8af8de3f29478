package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Retires the older versions of the key sites this engine keeps (publishes or seeds): stops
 * seeding them, and removes their files, once another peer holds the whole current version or
 * once the grace period has passed since the current version arrived here ({@link #retirement}).
 * Checked every {@link #CHECK}, at once when a copy elsewhere appears, and when the grace changes.
 */
final class OldVersions {
    private static final Logger log = LoggerFactory.getLogger(OldVersions.class);

    /** How often the grace periods are checked; a copy elsewhere retires at once. */
    static final Duration CHECK = Duration.ofMinutes(1);

    private final MutableStore store;
    private final Torrents torrents;
    private final Resolver resolver;
    private final ScheduledExecutorService executor;
    private final Supplier<UpdateTiming> timing;
    /** Which versions another peer holds in full; null until the engine connects it. */
    private volatile CopiesElsewhere copies;

    OldVersions(MutableStore store, Torrents torrents, Resolver resolver, ScheduledExecutorService executor,
                Supplier<UpdateTiming> timing) {
        this.store = store;
        this.torrents = torrents;
        this.resolver = resolver;
        this.executor = executor;
        this.timing = timing;
    }

    /** Starts the checks every {@link #CHECK}: the grace may run out, or a copy elsewhere be missed. */
    void start() {
        executor.scheduleWithFixedDelay(this::retireQuietly, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Retires a site's older versions as soon as another peer holds the whole current version. */
    void watch(CopiesElsewhere elsewhere) {
        copies = elsewhere;
        elsewhere.onComplete(infohash -> checkSoon()); // off bt's message thread: retiring writes and deletes
    }

    /** What the peers hold of each version, for tests and figures; null before {@link #watch}. */
    CopiesElsewhere copies() {
        return copies;
    }

    /** Checks on this class's thread, now: the grace changed, or a copy elsewhere appeared. */
    void checkSoon() {
        if (!executor.isShutdown()) {
            executor.execute(this::retireQuietly);
        }
    }

    private void retireQuietly() {
        try {
            retire();
        } catch (RuntimeException e) {
            log.warn("retiring older versions failed: {}", e.toString(), e);
        }
    }

    /**
     * Why a kept site's older versions should stop being seeded now, or empty to keep them: once
     * another peer holds the whole current version (visitors of an old one learn of the new one
     * from the item anyway, and can get it elsewhere), or once {@code grace} has passed since the
     * current version arrived here (so that someone in the middle of an old version can finish it).
     * Visited (not kept) sites are left to the storage limit.
     */
    static Optional<String> retirement(KeySiteRecord record, Duration grace, boolean copiedElsewhere, long now) {
        if (!record.seeding() || record.previous().isEmpty()) {
            return Optional.empty();
        }
        if (copiedElsewhere) {
            return Optional.of("another peer holds the whole current version");
        }
        if (Duration.ofMillis(Math.max(0, now - record.updated())).compareTo(grace) >= 0) {
            return Optional.of("its grace period (" + (grace.toHours() > 0 ? grace.toHours() + " h" : grace.toMillis() + " ms")
                    + ") has passed");
        }
        return Optional.empty();
    }

    private Optional<String> retirement(KeySiteRecord record, long now) {
        return retirement(record, timing.get().oldVersionGrace(), copiedElsewhere(record.infohash()), now);
    }

    /**
     * Whether another peer holds the whole version and so does this engine: a seeder still
     * fetching the new version keeps the old one until it has the new one (the minute's check
     * then retires it).
     */
    private boolean copiedElsewhere(String infohash) {
        CopiesElsewhere elsewhere = copies;
        return elsewhere != null && elsewhere.complete(infohash)
                && torrents.completion(new SiteAddress(SiteAddress.Kind.INFOHASH, infohash)).orElse(0.0) >= 1.0;
    }

    /**
     * Stops seeding, and removes, the older versions of the sites this engine keeps whose
     * {@link #retirement} is due.
     *
     * @return the infohashes of the versions removed
     */
    List<String> retire() {
        List<String> retired = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (KeySiteRecord listed : store.list()) {
            if (retirement(listed, now).isEmpty()) {
                continue;
            }
            SiteAddress site = listed.site();
            List<String> old;
            String why;
            synchronized (store.lock(site)) {
                KeySiteRecord record = store.get(site).orElse(null);
                Optional<String> reason = record == null ? Optional.empty() : retirement(record, now);
                if (reason.isEmpty()) {
                    continue; // a newer version arrived meanwhile: its own grace starts now
                }
                why = reason.get();
                old = record.previous();
                try {
                    store.put(record.withPrevious(List.of()));
                } catch (IOException e) {
                    log.warn("cannot update {}: {}", site, e.toString());
                    continue;
                }
            }
            for (String ih : old) {
                try {
                    if (torrents.site(ih).isPresent()) {
                        torrents.remove(ih);
                    }
                    resolver.forgetServed(site, ih);
                    retired.add(ih);
                } catch (IOException e) {
                    log.warn("cannot remove an old version of {}: {}", site, e.toString());
                }
            }
            log.info("{}: stopped seeding {} older version(s): {}", site, old.size(), why);
        }
        return retired;
    }
}
