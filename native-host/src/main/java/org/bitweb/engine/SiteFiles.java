package org.bitweb.engine;

/** Names inside {@code sites/<infohash>/}. */
final class SiteFiles {
    /** The torrent file of the site. */
    static final String TORRENT = "site.torrent";
    /** bt's storage root: files live at {@code data/<torrent name>/<path>}. */
    static final String DATA = "data";

    private SiteFiles() {
    }
}
