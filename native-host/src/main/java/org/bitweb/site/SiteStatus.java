package org.bitweb.site;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.bitweb.address.SiteAddress;
import org.bitweb.store.SiteRecord;

/**
 * One site as the protocol and {@code bitweb status} show it.
 *
 * @param address  canonical label (40 hex for an immutable site, the key's 52 base32 for an
 *                 updatable one, {@code <salt>.<key>} under a salt)
 * @param url      {@code http://<label>.bitweb/}
 * @param progress fraction of the site's pieces present, 0..1
 * @param source   the folder a published site was made from, or null
 * @param infohash the torrent shown: the site itself, or an updatable site's current version
 * @param seq      an updatable site's sequence number; null for an immutable site
 * @param key      the name of this machine's key that signs the site; null if none
 * @param checkingForUpdates an updatable site: whether a DHT lookup of its newest version runs
 *                 now (the popup says "checking for updates"); null for an immutable site
 * @param checkedAt an updatable site: when the last such lookup ended (epoch millis); null if none
 *                 has since the engine started, and for an immutable site
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteStatus(String address, String url, String name, long size, int files, int peers,
                         boolean seeding, boolean published, long uploaded, long downloaded, double progress,
                         String source, String infohash, Long seq, String key, Boolean checkingForUpdates, Long checkedAt) {

    public static SiteStatus of(SiteRecord record, SiteStats stats, boolean complete) {
        SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, record.infohash());
        // once bt has checked the data its count wins: a published site damaged on disk shows it
        double progress = stats.piecesTotal() > 0 ? (double) stats.piecesComplete() / stats.piecesTotal()
                : complete ? 1.0 : 0.0;
        return new SiteStatus(address.label(), address.url(), record.name(), record.size(), record.files(),
                stats.peers(), record.seeding(), record.published(), stats.uploaded(), stats.downloaded(), progress,
                record.source(), record.infohash(), null, null, null, null);
    }

    /** This version's figures under an updatable site's address. */
    public SiteStatus asKeySite(SiteAddress site, long seq, boolean keySeeding, String keyName) {
        return new SiteStatus(site.label(), site.url(), name, size, files, peers, keySeeding, keyName != null,
                uploaded, downloaded, progress, source, infohash, seq, keyName, null, null);
    }

    /** An updatable site's status with where its check for a newer version stands. */
    public SiteStatus withUpdateCheck(boolean checking, Long lastChecked) {
        return new SiteStatus(address, url, name, size, files, peers, seeding, published, uploaded, downloaded, progress,
                source, infohash, seq, key, checking, lastChecked);
    }
}
