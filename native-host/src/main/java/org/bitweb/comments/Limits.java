package org.bitweb.comments;

import java.time.Duration;

/**
 * Every number the rules use, in one place (docs/COMMENTS.md lists them with the reasons). A
 * holder that changed one would refuse what others accept, or the other way round, so the wire
 * limits belong to the record version: changing them means a new version.
 */
public final class Limits {
    private Limits() {
    }

    /** The record format this engine writes and the only one it accepts. */
    public static final int VERSION = 1;

    // ---- one record (wire rules of version 1)
    /** A whole signed record, bencoded. */
    public static final int MAX_RECORD_BYTES = 6 * 1024;
    /** A body, UTF-8: about a page of text. */
    public static final int MAX_BODY_BYTES = 4000;
    /** A display name, UTF-8. */
    public static final int MAX_NAME_BYTES = 64;
    /** A page path, UTF-8 once percent-decoded. */
    public static final int MAX_PATH_BYTES = 512;
    /**
     * Leading zero bits the record's id (SHA-256 of its unsigned bytes) must have: 2^23 hashes,
     * about 0.9 s on one core of the machine it was calibrated on (bench/comments.sh). Tests
     * lower it with the system property {@code bitweb.comments.workBits} (an engine that did so
     * in use would make records every other engine refuses).
     */
    public static final int WORK_BITS = Integer.getInteger("bitweb.comments.workBits", 23);
    /** Records dated further ahead than this are refused (clocks disagree a little). */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(10);
    /** 2025-01-01T00:00:00Z: no BitWeb record is older; an earlier time is a forgery or a broken clock. */
    public static final long EPOCH_SECONDS = 1_735_689_600L;

    /**
     * What one engine holds per site and author: a holder's policy rather than a wire rule, but
     * every BitWeb engine uses {@link #DEFAULT}, so holders agree on what they keep.
     *
     * @param perAuthorPerHour comments, replies and responses one author may add to one site in
     *                         one clock hour (UTC), by the records' own times
     * @param perAuthorPerSite records of one author held for one site
     * @param siteMaxRecords   records held for one site; above it the oldest not kept by the owner go
     * @param siteMaxBytes     bytes of records held for one site (compact form, as on disk)
     */
    public record Holding(int perAuthorPerHour, int perAuthorPerSite, int siteMaxRecords, long siteMaxBytes) {
        public Holding {
            if (perAuthorPerHour < 1 || perAuthorPerSite < 1 || siteMaxRecords < 1 || siteMaxBytes < MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("holding limits must allow at least one record");
            }
        }
    }

    public static final Holding DEFAULT = new Holding(20, 500, 20_000, 8L * 1024 * 1024);

    // ---- moderation
    /** A signed moderation list, bencoded: about 1,900 ids and keys. */
    public static final int MAX_MODERATION_BYTES = 64 * 1024;
}
