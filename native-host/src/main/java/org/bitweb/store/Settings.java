package org.bitweb.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bitweb.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The user's choices ({@code settings.json}).
 *
 * @param keepSeeding          keep the engine running, and seeding, when the last browser closes
 * @param storageLimitBytes    most bytes visited (not published) sites may take when the limit is
 *                             not automatic; 0 for no limit
 * @param storageLimitAuto     the limit follows the disk: a quarter of what visited sites use plus
 *                             the free space ({@link #AUTO_SHARE}); the default, so a laptop's disk
 *                             never fills with sites the user only looked at. Absent (a settings
 *                             file older than the setting): automatic unless a limit was set
 * @param socks5Proxy          "host:port" of a SOCKS5 proxy for all peer traffic (a local Tor:
 *                             "127.0.0.1:9050"), or null; takes effect when the engine next starts
 * @param lanDiscovery         local peer discovery (BEP 14): announce the sites this engine shares to
 *                             the LAN and use peers heard there; true when absent (a settings file
 *                             older than the setting), off anyway with a SOCKS5 proxy; takes effect at once
 * @param oldVersionGraceHours how long the older versions of an updatable site this machine keeps
 *                             stay seeded after a newer one arrived, in hours
 *                             (0..{@value #MAX_OLD_VERSION_GRACE_HOURS}); an older version is
 *                             retired sooner once another peer holds the whole newer one, and 0
 *                             means only then (docs/UPDATES.md); {@value #DEFAULT_OLD_VERSION_GRACE_HOURS}
 *                             when absent (a settings file older than the setting); takes effect at once
 * @param rateLimits           upload and download limits for all sites together (none when absent);
 *                             takes effect at once (docs/TUNING.md, "Rate limits")
 * @param siteRateLimits       limits for single sites, by infohash, within {@code rateLimits}; none
 *                             when absent; takes effect at once
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Settings(boolean keepSeeding, long storageLimitBytes, String socks5Proxy, Boolean lanDiscovery,
                       Integer oldVersionGraceHours, Boolean storageLimitAuto, RateLimits rateLimits,
                       Map<String, RateLimits> siteRateLimits) {
    /** The share of (free space + visited sites) that visited sites may take when the limit is automatic. */
    public static final double AUTO_SHARE = 0.25;
    public static final int DEFAULT_OLD_VERSION_GRACE_HOURS = 24;
    /** A year: more is a mistake rather than a choice. */
    public static final int MAX_OLD_VERSION_GRACE_HOURS = 8760;
    public static final Settings DEFAULTS = new Settings(true, 0, null, true, DEFAULT_OLD_VERSION_GRACE_HOURS, true);

    public Settings(boolean keepSeeding, long storageLimitBytes, String socks5Proxy, Boolean lanDiscovery,
                    Integer oldVersionGraceHours, Boolean storageLimitAuto) {
        this(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, oldVersionGraceHours, storageLimitAuto, null, null);
    }

    public Settings(boolean keepSeeding, long storageLimitBytes) {
        this(keepSeeding, storageLimitBytes, null, true);
    }

    public Settings(boolean keepSeeding, long storageLimitBytes, String socks5Proxy, Boolean lanDiscovery) {
        this(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, null);
    }

    public Settings(boolean keepSeeding, long storageLimitBytes, String socks5Proxy, Boolean lanDiscovery,
                    Integer oldVersionGraceHours) {
        this(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, oldVersionGraceHours, null);
    }

    public Settings {
        if (lanDiscovery == null) {
            lanDiscovery = true;
        }
        if (oldVersionGraceHours == null) {
            oldVersionGraceHours = DEFAULT_OLD_VERSION_GRACE_HOURS;
        }
        if (storageLimitAuto == null) {
            // older files always held a limit, 0 unless the user set one: 0 was the old default, not a choice
            storageLimitAuto = storageLimitBytes == 0;
        }
        if (socks5Proxy != null && !socks5Proxy.isBlank()) {
            org.bitweb.address.SiteLink.peer(socks5Proxy); // "IP:port", refused with a clear message otherwise
        } else {
            socks5Proxy = null;
        }
        if (storageLimitBytes < 0) {
            throw new IllegalArgumentException("storageLimitBytes must be 0 (no limit) or more, not " + storageLimitBytes);
        }
        checkGraceHours(oldVersionGraceHours);
        if (rateLimits == null) {
            rateLimits = RateLimits.NONE;
        }
        Map<String, RateLimits> sites = new TreeMap<>();
        if (siteRateLimits != null) {
            siteRateLimits.forEach((site, limits) -> {
                if (site == null || !site.matches("[0-9a-f]{40}")) {
                    throw new IllegalArgumentException("siteRateLimits are by infohash (40 lowercase hex), not " + site);
                }
                if (limits != null && !limits.unlimited()) {
                    sites.put(site, limits);
                }
            });
        }
        siteRateLimits = Collections.unmodifiableMap(sites);
    }

    public Settings withRateLimits(RateLimits limits) {
        return new Settings(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, oldVersionGraceHours,
                storageLimitAuto, limits, siteRateLimits);
    }

    /** These settings with {@code site}'s own limits set ({@link RateLimits#NONE} removes them). */
    public Settings withSiteRateLimits(String site, RateLimits limits) {
        Map<String, RateLimits> sites = new TreeMap<>(siteRateLimits);
        sites.put(site, limits);
        return new Settings(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, oldVersionGraceHours,
                storageLimitAuto, rateLimits, sites);
    }

    /**
     * @return {@code hours}, if it is a valid {@code oldVersionGraceHours}
     * @throws IllegalArgumentException saying the range otherwise
     */
    public static int checkGraceHours(long hours) {
        if (hours < 0 || hours > MAX_OLD_VERSION_GRACE_HOURS) {
            throw new IllegalArgumentException("oldVersionGraceHours must be 0 (until another peer holds the new version) to "
                    + MAX_OLD_VERSION_GRACE_HOURS + " (a year), not " + hours);
        }
        return (int) hours;
    }

    /**
     * How long older versions stay seeded whatever the other peers hold; empty for 0 hours (until
     * another peer holds the whole newer version, however long that takes).
     */
    public Optional<Duration> oldVersionGrace() {
        return oldVersionGraceHours == 0 ? Optional.empty() : Optional.of(Duration.ofHours(oldVersionGraceHours));
    }

    public Settings withOldVersionGraceHours(int hours) {
        return new Settings(keepSeeding, storageLimitBytes, socks5Proxy, lanDiscovery, hours, storageLimitAuto, rateLimits,
                siteRateLimits);
    }

    public static Settings load(StateDir dir) throws IOException {
        try {
            return Json.MAPPER.readValue(Files.readAllBytes(dir.settings()), Settings.class);
        } catch (NoSuchFileException e) {
            return DEFAULTS;
        } catch (IOException e) {
            throw new IOException("the settings file " + dir.settings() + " is unreadable (" + e.getMessage()
                    + "); fix it or delete it to get the defaults", e);
        }
    }

    public void save(StateDir dir) throws IOException {
        AtomicFiles.write(dir.settings(), Json.pretty(this).getBytes(StandardCharsets.UTF_8));
    }
}
