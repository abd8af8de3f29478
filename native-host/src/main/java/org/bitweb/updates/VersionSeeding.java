package org.bitweb.updates;

import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.SiteSource;
import org.bitweb.log.Threads;
import org.bitweb.site.SiteStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Gets the current version of a kept key site here in full and seeds it: how a seeder follows
 * the site's updates. A version is awaited up to the engine's metadata timeout, on a thread of
 * its own, so that a version nobody serves never holds up lookups, peers' items or retiring. One
 * that could not be fetched is tried again at the next republishing round ({@link KeepAlive}).
 */
final class VersionSeeding implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VersionSeeding.class);

    private final Torrents torrents;
    private final ExecutorService thread = Threads.singleThread("key-sites-seeding");
    /** Versions queued or being fetched: each one is on its way once at a time. */
    private final Set<String> underway = ConcurrentHashMap.newKeySet();

    VersionSeeding(Torrents torrents) {
        this.torrents = torrents;
    }

    /** Fetches a version in full and shares it, unless that is on its way already. */
    void ensureSeeded(String infohash) {
        if (!underway.add(infohash)) {
            return;
        }
        thread.execute(() -> {
            try {
                fetchAndSeed(infohash);
            } catch (RuntimeException e) {
                log.warn("cannot seed the current version of a kept site: {}", e.toString(), e);
            } finally {
                underway.remove(infohash);
            }
        });
    }

    /** {@link #ensureSeeded} for a version the engine does not seed (yet): one that could not be fetched before. */
    void ensureSeededAgain(String infohash) {
        if (!torrents.site(infohash).map(SiteStatus::seeding).orElse(false)) {
            ensureSeeded(infohash);
        }
    }

    private void fetchAndSeed(String infohash) {
        SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, infohash);
        long deadline = System.nanoTime() + torrents.metadataTimeout().toNanos();
        while (!thread.isShutdown() && System.nanoTime() < deadline) {
            SiteSource.Lookup lookup = torrents.fetch(address, List.of(), Duration.ofSeconds(5));
            if (lookup instanceof SiteSource.Lookup.Ready) {
                try {
                    torrents.seed(infohash);
                } catch (IOException e) {
                    log.warn("cannot seed the current version of a kept site: {}", e.toString());
                }
                return;
            }
            if (lookup instanceof SiteSource.Lookup.Unknown) {
                break;
            }
        }
        log.warn("the current version {} of a kept site could not be fetched; trying again at the next round", infohash);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
