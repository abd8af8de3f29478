package org.bitweb.engine;

import org.bitweb.address.SiteAddress;
import org.bitweb.store.SiteRecord;

/**
 * One site as the protocol and {@code bitweb status} show it.
 *
 * @param address  canonical label (40 hex for an immutable site)
 * @param url      {@code http://<label>.bitweb/}
 * @param progress fraction of the site's pieces present, 0..1
 * @param source   the folder a published site was made from, or null
 */
public record SiteStatus(String address, String url, String name, long size, int files, int peers,
                         boolean seeding, boolean published, long uploaded, long downloaded, double progress,
                         String source) {

    static SiteStatus of(SiteRecord record, SiteStats stats, boolean complete) {
        SiteAddress address = new SiteAddress(SiteAddress.Kind.INFOHASH, record.infohash());
        // once bt has checked the data its count wins: a published site damaged on disk shows it
        double progress = stats.piecesTotal() > 0 ? (double) stats.piecesComplete() / stats.piecesTotal()
                : complete ? 1.0 : 0.0;
        return new SiteStatus(address.label(), address.url(), record.name(), record.size(), record.files(),
                stats.peers(), record.seeding(), record.published(), stats.uploaded(), stats.downloaded(), progress,
                record.source());
    }
}
