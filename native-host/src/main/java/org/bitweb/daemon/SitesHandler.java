package org.bitweb.daemon;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;
import org.bitweb.site.SiteStatus;

import java.util.Map;

/**
 * The sites this engine holds, immutable or key sites alike: {@code sites.list}, {@code site.info},
 * {@code site.seed}, {@code site.unseed}, {@code site.remove} (alias {@code site.forget}). A key
 * site is told apart by its address and handled by the engine's key sites.
 */
final class SitesHandler {
    private final Engine engine;

    SitesHandler(Engine engine) {
        this.engine = engine;
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.quick("sites.list", (request, session) -> Map.of("sites", engine.sites())))
                .add(Action.quick("site.info", this::info))
                .add(Action.slow("site.seed", this::seed))
                .add(Action.slow("site.unseed", this::unseed))
                .add(Action.slow("site.remove", this::remove))
                .add(Action.slow("site.forget", this::remove));
    }

    private SiteStatus info(Request request, Session session) throws ProtocolException {
        SiteAddress site = new Params(request).address("address");
        var status = isKeySite(site)
                ? engine.keySites().record(site).map(engine.keySites()::status)
                : engine.site(site.hex());
        return status.orElseThrow(() -> unknown(site));
    }

    private SiteStatus seed(Request request, Session session) throws Exception {
        SiteAddress site = known(request);
        return isKeySite(site) ? engine.keySites().seed(site) : engine.seed(site.hex());
    }

    private SiteStatus unseed(Request request, Session session) throws Exception {
        SiteAddress site = known(request);
        return isKeySite(site) ? engine.keySites().unseed(site) : engine.unseed(site.hex());
    }

    private Map<String, Long> remove(Request request, Session session) throws Exception {
        SiteAddress site = known(request);
        if (isKeySite(site)) {
            long freed = engine.keySites().remove(site);
            engine.comments().forget(site); // its comments go too: nothing left names it
            return Map.of("freed", freed);
        }
        return Map.of("freed", engine.remove(site.hex()));
    }

    /** The request's site, which this engine must know. */
    private SiteAddress known(Request request) throws ProtocolException {
        SiteAddress site = new Params(request).address("address");
        boolean known = isKeySite(site) ? engine.keySites().record(site).isPresent() : engine.site(site.hex()).isPresent();
        if (!known) {
            throw unknown(site);
        }
        return site;
    }

    private static boolean isKeySite(SiteAddress site) {
        return site.kind() != SiteAddress.Kind.INFOHASH;
    }

    private static ProtocolException unknown(SiteAddress site) {
        return new ProtocolException(ErrorCode.NOT_FOUND, "this engine does not know the site " + site);
    }
}
