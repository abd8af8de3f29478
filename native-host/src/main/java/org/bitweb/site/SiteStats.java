package org.bitweb.site;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import org.bitweb.bt.Bandwidth;

/**
 * Live transfer figures of one site, read when asked: peers and pieces from its torrent session,
 * uploaded and downloaded from the engine's exact per-site counts ({@link Bandwidth#siteUploaded},
 * {@link Bandwidth#siteDownloaded}: the block data sent and received while its client runs).
 */
public record SiteStats(int peers, long uploaded, long downloaded, int piecesComplete, int piecesTotal) {
    public static final SiteStats NONE = new SiteStats(0, 0, 0, 0, 0);

    /**
     * A torrent's figures now, or {@link #NONE} while it has no session. Read on demand: a report
     * per site every second cost a thread per site (bt's client listener) and its garbage. The
     * byte counts are not bt's session sums: those count a peer's bytes only as of the last read
     * while it was connected, losing a leaving peer's last second and a visit between two reads
     * (docs/TUNING.md), and build two maps and a set per read.
     */
    public static SiteStats of(TorrentRegistry torrents, Bandwidth bandwidth, TorrentId torrent) {
        return torrents.getDescriptor(torrent)
                .map(d -> of(d, bandwidth.siteUploaded(torrent), bandwidth.siteDownloaded(torrent)))
                .orElse(NONE);
    }

    /** A registered torrent's figures now, with its byte counts read by the caller. */
    public static SiteStats of(TorrentDescriptor d, long uploaded, long downloaded) {
        return d.getSessionState().map(state -> {
            // until bt has checked the data (the torrent starts after that) its count means nothing yet
            boolean checked = d.getDataDescriptor() != null && d.isActive();
            return new SiteStats(state.getConnectedPeers().size(), uploaded, downloaded,
                    checked ? state.getPiecesComplete() : 0, checked ? state.getPiecesTotal() : 0);
        }).orElse(NONE);
    }
}
