package org.bitweb.daemon;

import org.bitweb.address.SiteLink;
import org.bitweb.discovery.PeerHintPolicy;
import org.bitweb.engine.Engine;
import org.bitweb.gateway.SiteSource;
import org.bitweb.messaging.Action;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code site.fetch}: starts or follows the fetch of a site this engine does not have yet. */
final class FetchHandler {
    /** The longest a request may wait for a site's file list; the caller asks again after that. */
    static final long MAX_WAIT_MS = 30_000;

    private final Engine engine;

    FetchHandler(Engine engine) {
        this.engine = engine;
    }

    void register(Dispatcher dispatcher) {
        dispatcher.add(Action.slow("site.fetch", this::fetch));
    }

    /** Waits up to {@code wait} ms (at most 30 s) for the site's file list, and reports where the fetch is. */
    private Map<String, Object> fetch(Request request, Session session) throws ProtocolException {
        Params params = new Params(request);
        SiteLink link = params.link("url");
        // a link's x.pe comes from a page: filtered and capped; "peers" are what the user typed (bitweb get --peer)
        List<InetSocketAddress> peers = new ArrayList<>(engine.linkHints(link.peers(), params.optionalAddress("from")));
        peers.addAll(PeerHintPolicy.userNamed(params.peers("peers")));
        long waitMs = Math.max(0, Math.min(MAX_WAIT_MS, request.number("wait", 0)));
        boolean whole = request.flag("whole", false);
        SiteSource.Lookup lookup = engine.fetch(link.site(), peers, Duration.ofMillis(waitMs));
        if (whole) {
            engine.keepWholeSite(link.site());
        }
        if (lookup instanceof SiteSource.Lookup.Unknown unknown) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, unknown.reason());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("address", link.site().label());
        data.put("url", link.site().url());
        if (lookup instanceof SiteSource.Lookup.Loading loading) {
            data.put("ready", false);
            data.put("stage", loading.stage());
            data.put("peers", loading.peers());
            data.put("bytes", loading.bytes());
            return data;
        }
        data.put("ready", true);
        data.put("stage", "ready");
        data.put("completion", engine.completion(link.site()).orElse(0.0));
        engine.torrentInfo(link.site()).ifPresent(info -> {
            List<Map<String, Object>> files = new ArrayList<>();
            for (var file : info.contentFiles()) {
                files.add(Map.of("path", file.joined(), "length", file.length()));
            }
            data.put("name", info.name());
            data.put("files", files);
        });
        return data;
    }
}
