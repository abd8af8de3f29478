package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;

import java.util.Optional;

/** Where the gateway gets sites from: the engine in production, a folder in some tests. */
public interface SiteSource {

    /**
     * @return the site's current content, or empty if this engine cannot serve it (unknown site)
     */
    Optional<SiteView> site(SiteAddress address);
}
