package org.bitweb.site;

import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps the sites a visitor downloaded within the storage limit the user set, least recently
 * visited first out. Published and seeded sites are never evicted, nor a site read in the last
 * minute (it is on screen).
 */
public final class StorageLimit {
    private static final Logger log = LoggerFactory.getLogger(StorageLimit.class);

    /** Removes a site and its files; returns the bytes freed. */
    @FunctionalInterface
    public interface Remover {
        long remove(String infohash) throws IOException;
    }

    private final StateDir dir;
    private final SiteStore store;
    private final Predicate<String> onScreen;
    private final Remover remover;
    /** {@link #set} this for the automatic limit: a share of what the disk has for visited sites. */
    public static final long AUTO = -1;
    /** The share of (free space + what visited sites use) they may take under the automatic limit. */
    static final double AUTO_SHARE = org.bitweb.store.Settings.AUTO_SHARE;

    private volatile long limit;

    /**
     * @param onScreen whether a site was read lately and must stay
     */
    public StorageLimit(StateDir dir, SiteStore store, Predicate<String> onScreen, Remover remover) {
        this.dir = dir;
        this.store = store;
        this.onScreen = onScreen;
        this.remover = remover;
    }

    /** Most bytes visited sites may take on disk; 0 for no limit, {@link #AUTO} for the automatic one. */
    public void set(long bytes) {
        if (bytes < AUTO) {
            throw new IllegalArgumentException("a storage limit is AUTO, 0 (none) or a number of bytes, not " + bytes);
        }
        limit = bytes;
    }

    /** The limit in force now, in bytes (0: none): the automatic one is worked out from the disk. */
    public long inForce() {
        long max = limit;
        return max == AUTO ? automatic(visitedBytes()) : max;
    }

    /** A quarter of what visited sites could have: what they use plus the free space. */
    private long automatic(long used) {
        try {
            long free = java.nio.file.Files.getFileStore(dir.sites()).getUsableSpace();
            return Math.max(1, (long) ((free + used) * AUTO_SHARE));
        } catch (IOException e) {
            log.debug("cannot read the free space: {}", e.toString());
            return 0; // unknown: no automatic eviction rather than evicting everything
        }
    }

    private long visitedBytes() {
        long total = 0;
        for (SiteRecord record : store.list()) {
            if (record.evictable()) {
                try {
                    total += Publisher.sizeOf(dir.site(record.infohash()));
                } catch (IOException e) {
                    log.debug("cannot size {}: {}", record.infohash(), e.toString());
                }
            }
        }
        return total;
    }

    /**
     * Why a site of {@code size} bytes can never be kept here, or empty if it can: larger than the
     * limit in force (the whole of it, were every other visited site evicted), or than the free space.
     */
    public java.util.Optional<String> refusal(long size) {
        long max = inForce();
        if (max > 0 && size > max) {
            return java.util.Optional.of("This site is " + human(size) + ", more than the " + human(max)
                    + " BitWeb may use for sites you visit" + (limit == AUTO ? " (a quarter of the free disk space)" : "")
                    + ". To open it, raise the storage limit in BitWeb's settings (popup), or free disk space.");
        }
        try {
            long free = java.nio.file.Files.getFileStore(dir.sites()).getUsableSpace();
            if (size > free) {
                return java.util.Optional.of("This site is " + human(size) + " and the disk has " + human(free)
                        + " free. Free disk space to open it.");
            }
        } catch (IOException e) {
            log.debug("cannot read the free space: {}", e.toString());
        }
        return java.util.Optional.empty();
    }

    static String human(long bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * Removes the least recently visited sites until visitor data fits the limit.
     *
     * @return the sites removed
     */
    public synchronized List<String> enforce() {
        long setting = limit;
        List<String> evicted = new ArrayList<>();
        if (setting == 0) {
            return evicted; // no limit
        }
        List<SiteRecord> candidates = new ArrayList<>();
        long total = 0;
        for (SiteRecord record : store.list()) {
            if (!record.evictable()) {
                continue;
            }
            try {
                total += Publisher.sizeOf(dir.site(record.infohash()));
                candidates.add(record);
            } catch (IOException e) {
                log.debug("cannot size {}: {}", record.infohash(), e.toString());
            }
        }
        // the automatic limit is worked out from the sizes just read
        long max = setting == AUTO ? automatic(total) : setting;
        if (max <= 0) {
            return evicted;
        }
        candidates.sort(Comparator.comparingLong(SiteRecord::visited));
        for (SiteRecord record : candidates) {
            if (total <= max) {
                break;
            }
            if (onScreen.test(record.infohash())) {
                continue;
            }
            try {
                total -= remover.remove(record.infohash());
                evicted.add(record.infohash());
            } catch (IOException e) {
                log.warn("cannot evict a site: {}", e.toString());
            }
        }
        if (!evicted.isEmpty()) {
            log.info("storage limit: removed {} least recently visited site(s)", evicted.size());
        }
        return evicted;
    }
}
