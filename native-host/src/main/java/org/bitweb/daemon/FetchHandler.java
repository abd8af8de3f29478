package org.bitweb.daemon;

import org.bitweb.address.SiteLink;
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
        dispatcher.add(Action.slow("site.fetch", this::fetch))
                .add(Action.slow("fetch", this::fetchBytes));
    }

    /** The most file bytes one {@code fetch} reply carries: base64 makes them 4/3 larger, under the 1 MiB frame. */
    static final int FETCH_CHUNK = 512 * 1024;

    /**
     * Bytes of a site's file over native messaging, in chunks: {@code {url, offset, length}}.
     * For extension pages that cannot use the gateway; the gateway is the fast path.
     */
    private Object fetchBytes(Request request, Session session) throws ProtocolException, java.io.IOException {
        SiteLink link = new Params(request).link("url");
        long offset = request.number("offset", 0);
        long length = request.number("length", FETCH_CHUNK);
        if (offset < 0 || length < 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'offset' and 'length' must not be negative");
        }
        org.bitweb.gateway.SitePath path;
        try {
            path = org.bitweb.gateway.SitePath.parse(link.path());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
        long waitMs = Math.max(0, Math.min(30_000, request.number("wait", 10_000)));
        SiteSource.Lookup lookup = engine.fetch(link.site(), link.peers(), Duration.ofMillis(waitMs));
        if (lookup instanceof SiteSource.Lookup.Unknown unknown) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, unknown.reason());
        }
        if (!(lookup instanceof SiteSource.Lookup.Ready ready)) {
            throw new ProtocolException(ErrorCode.NOT_READY, "the site's file list has not arrived yet; try again");
        }
        var view = ready.view();
        String file = path.trailingSlash() ? path.indexFile() : path.relative();
        var entry = view.file(file).orElseThrow(() ->
                new ProtocolException(ErrorCode.NOT_FOUND, "the site has no file at " + link.path()));
        long start = Math.min(offset, entry.length());
        int count = (int) Math.min(Math.min(length, FETCH_CHUNK), entry.length() - start);
        byte[] bytes;
        try (var in = view.open(entry, start, count)) {
            bytes = in.readNBytes(count);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", entry.path());
        data.put("mime", org.bitweb.gateway.ContentTypes.of(entry.path()));
        data.put("total", entry.length());
        data.put("offset", start);
        data.put("length", bytes.length);
        data.put("eof", start + bytes.length >= entry.length());
        data.put("data", java.util.Base64.getEncoder().encodeToString(bytes));
        return data;
    }

    /** Waits up to {@code wait} ms (at most 30 s) for the site's file list, and reports where the fetch is. */
    private Map<String, Object> fetch(Request request, Session session) throws ProtocolException {
        Params params = new Params(request);
        SiteLink link = params.link("url");
        List<InetSocketAddress> peers = new ArrayList<>(link.peers());
        peers.addAll(params.peers("peers"));
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
