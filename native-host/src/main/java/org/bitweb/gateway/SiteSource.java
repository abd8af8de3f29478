package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;

import java.time.Duration;
import java.util.Optional;

/** Where the gateway gets sites from: the engine in production, a folder in some tests. */
public interface SiteSource {

    /**
     * @return the site's current content, or empty if this engine cannot serve it right now
     */
    Optional<SiteView> site(SiteAddress address);

    /**
     * Like {@link #site} but starts fetching a site this engine does not have, and waits up to
     * {@code wait} for it to become readable, so a fast swarm shows the page, not a loading screen.
     */
    default Lookup fetch(SiteAddress address, Duration wait) {
        return site(address).<Lookup>map(Lookup.Ready::new)
                .orElseGet(() -> new Lookup.Unknown("The site " + address.label() + " is not known to this engine."));
    }

    /**
     * The site's view if it is open right now, found without waiting, opening or starting
     * anything: the gateway asks this on Jetty's selector thread, to serve a small file it holds
     * in memory. Empty sends the request the usual way ({@link #fetch}). A source whose
     * {@link #site} may wait must override this.
     */
    default Optional<SiteView> now(SiteAddress address) {
        return site(address);
    }

    /**
     * {@link #fetch(SiteAddress, Duration)} for a request of a known kind: a page a tab navigates
     * to may take the place of lookups that only embedded resources started, never the reverse.
     */
    default Lookup fetch(SiteAddress address, Duration wait, Demand demand) {
        return fetch(address, wait);
    }

    /**
     * {@link #fetch(SiteAddress, Duration, Demand)} for the file at {@code path} (as the site names
     * it, e.g. {@code index.html}): a source that fetches the site asks for that file's pieces the
     * moment the file list arrives, not once a reader comes back for them (issue 16).
     */
    default Lookup fetch(SiteAddress address, Duration wait, Demand demand, String path) {
        return fetch(address, wait, demand);
    }

    /** Who asks for a site: a tab (or frame) navigating to it, or a page embedding a resource of it. */
    enum Demand { VISIT, EMBED }

    /** What a fetch found. */
    sealed interface Lookup {
        /** Readable now. */
        record Ready(SiteView view) implements Lookup {
        }

        /**
         * On its way: what is happening, for the loading page.
         *
         * @param stage  a short phrase ("looking for peers", "fetching the file list")
         * @param peers  peers connected
         * @param bytes  bytes received so far
         */
        record Loading(String stage, int peers, long bytes) implements Lookup {
        }

        /** Cannot be had: why, and what to do, in words for the user. */
        record Unknown(String reason) implements Lookup {
        }
    }
}
