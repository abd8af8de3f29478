package org.bitweb.updates;

import org.bitweb.site.Publisher;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.file.Path;

/** The part of {@link KeySites} the command line uses without an engine. */
public final class KeySitesAccess {
    private KeySitesAccess() {
    }

    /** The published version and its signed seq. */
    public record Offline(org.bitweb.address.SiteAddress site, org.bitweb.store.SiteRecord version, long seq) {
    }

    /** See {@link KeySites#publishOffline}; the caller holds the engine lock. */
    public static Offline publishOffline(StateDir dir, Path folder, String keyName, byte[] salt, Publisher.Progress progress)
            throws IOException {
        KeySites.PublishedOffline p = KeySites.publishOffline(dir, SiteStore.open(dir), folder, keyName, salt, progress);
        return new Offline(p.site(), p.version(), p.seq());
    }
}
