package org.bitweb.site;

/** Live transfer figures of one site, as last reported by its torrent session. */
public record SiteStats(int peers, long uploaded, long downloaded, int piecesComplete, int piecesTotal) {
    public static final SiteStats NONE = new SiteStats(0, 0, 0, 0, 0);
}
