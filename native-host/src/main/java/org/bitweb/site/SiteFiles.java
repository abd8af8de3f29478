package org.bitweb.site;

/** Names inside {@code sites/<infohash>/}. */
public final class SiteFiles {
    /** The torrent file of the site. */
    public static final String TORRENT = "site.torrent";
    /** bt's storage root: files live at {@code data/<torrent name>/<path>}. */
    public static final String DATA = "data";

    private SiteFiles() {
    }
}
