package org.bitweb.store;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Objects;

/**
 * What the store remembers of one site.
 *
 * @param infohash  40 lowercase hex
 * @param name      the torrent's name (the published folder's name)
 * @param size      total bytes of the site's files
 * @param files     number of files
 * @param published true if this machine published it (so it has all the data)
 * @param seeding   true if the engine shares it with other peers
 * @param added     when it entered the store (epoch millis)
 * @param visited   when it was last read through the gateway (epoch millis, to the minute); the
 *                  storage limit evicts the least recently visited sites first
 * @param source    the folder a published site was made from (for "publish again"); null otherwise
 * @param inPlace   a published site seeded straight from {@code source} ({@code bitweb publish
 *                  --in-place}), not from a copy in the store; absent (false) otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteRecord(String infohash, String name, long size, int files, boolean published,
                         boolean seeding, long added, long visited, String source,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean inPlace) {

    public SiteRecord(String infohash, String name, long size, int files, boolean published, boolean seeding, long added) {
        this(infohash, name, size, files, published, seeding, added, added, null, false);
    }

    public SiteRecord(String infohash, String name, long size, int files, boolean published, boolean seeding, long added,
                      long visited, String source) {
        this(infohash, name, size, files, published, seeding, added, visited, source, false);
    }

    public SiteRecord withSeeding(boolean seeding) {
        return new SiteRecord(infohash, name, size, files, published, seeding, added, visited, source, inPlace);
    }

    public SiteRecord withVisited(long when) {
        return new SiteRecord(infohash, name, size, files, published, seeding, added, when, source, inPlace);
    }

    public SiteRecord withSource(String folder) {
        return new SiteRecord(infohash, name, size, files, published, seeding, added, visited, folder, inPlace);
    }

    /** This record for a site seeded straight from {@code folder} (publish --in-place). */
    public SiteRecord inPlaceAt(String folder) {
        return new SiteRecord(infohash, name, size, files, published, seeding, added, visited, folder, true);
    }

    /** Visitor data: neither published here nor kept by choice, so the storage limit may evict it. */
    public boolean evictable() {
        return !published && !seeding;
    }

    public SiteRecord {
        Objects.requireNonNull(infohash, "infohash");
        Objects.requireNonNull(name, "name");
        if (!infohash.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("infohash must be 40 lowercase hex: " + infohash);
        }
    }
}
