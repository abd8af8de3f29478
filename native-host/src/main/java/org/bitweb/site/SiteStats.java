package org.bitweb.site;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import bt.torrent.TorrentSessionState;

/** Live transfer figures of one site, read from its torrent session when asked. */
public record SiteStats(int peers, long uploaded, long downloaded, int piecesComplete, int piecesTotal) {
    public static final SiteStats NONE = new SiteStats(0, 0, 0, 0, 0);

    public static SiteStats of(TorrentSessionState state) {
        return new SiteStats(state.getConnectedPeers().size(), state.getUploaded(), state.getDownloaded(),
                state.getPiecesComplete(), state.getPiecesTotal());
    }

    /**
     * A torrent's figures now, or {@link #NONE} while it has no session. Read on demand: a report
     * per site every second cost a thread per site (bt's client listener) and its garbage.
     */
    public static SiteStats of(TorrentRegistry torrents, TorrentId torrent) {
        return torrents.getDescriptor(torrent).flatMap(d -> d.getSessionState().map(state -> {
            SiteStats now = of(state);
            // until bt has checked the data (the torrent starts after that) its count means nothing yet
            return d.getDataDescriptor() == null || !d.isActive()
                    ? new SiteStats(now.peers, now.uploaded, now.downloaded, 0, 0) : now;
        })).orElse(NONE);
    }
}
