package org.bitweb.gateway;

import org.bitweb.address.BitwebHost;
import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the files of BitWeb sites: one request, one file (or one error page).
 *
 * <p>A small file already in memory ({@link SmallFiles}) of a site named by its infohash is
 * served right where Jetty calls the handler, often its selector thread, since nothing on that
 * path waits: the handler is {@link InvocationType#NON_BLOCKING}, and a page's requests cost no
 * hand-off between threads (a fifth more pages a second under wrk than with every request
 * handed to the pool). Everything else may wait (the engine waits for a site's file list, a
 * remote file's first piece may be on its way), so it goes to Jetty's pool.
 *
 * <p>Sending does not hold a thread either: a small file is sent from memory in one write; a
 * larger one is copied by {@link FileBody}, one pooled buffer per write, each next chunk read
 * when the last one is sent. A request holds one buffer however large the file, and a browser
 * that does not read holds a connection, never a thread.
 *
 * <p>Response headers are committed only after the first bytes of the file are in hand, so a
 * file the peers do not deliver in time still gets a proper 504 page; a failure after that can
 * only abort the connection (the client sees a body shorter than its Content-Length).
 *
 * <p>What every response carries is encoded once (see {@link SecurityHeaders}); a small file's
 * ETag is computed once, with its bytes; parsed hosts are kept.
 */
final class GatewayHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    /** Bytes copied per write: the whole per-request memory for a body. */
    static final int BUFFER_SIZE = 64 * 1024;

    static final String ALLOW = "GET, HEAD";
    static final String CACHE_FILES = "no-cache";
    static final String CACHE_ERRORS = "no-store";

    private static final HttpField CACHE_FILES_FIELD = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, CACHE_FILES);
    private static final HttpField CACHE_ERRORS_FIELD = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, CACHE_ERRORS);
    private static final HttpField ACCEPT_RANGES = new PreEncodedHttpField(HttpHeader.ACCEPT_RANGES, "bytes");
    private static final HttpField HTML_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, ContentTypes.HTML);

    private final SiteSource sites;
    private final SecurityHeaders security = new SecurityHeaders();
    private final SmallFiles small;
    private final GatewayWarmUp warmUp;

    /**
     * @param smallFiles bytes of small files kept in memory at most
     * @param warmUp     the warm-up, whose own requests are answered from its own site
     */
    GatewayHandler(SiteSource sites, long smallFiles, GatewayWarmUp warmUp) {
        super(InvocationType.NON_BLOCKING);
        this.sites = sites;
        this.small = new SmallFiles(smallFiles);
        this.warmUp = warmUp;
    }

    /** Drops what was kept of the warm-up's site: its small file and its parsed host. */
    void forgetWarmUp() {
        small.forget(warmUp.version());
        hosts.remove(warmUp.address().host());
    }

    /** Whether a parsed {@code host} is kept (tests). */
    boolean keepsHost(String host) {
        return hosts.containsKey(host);
    }

    /** Bytes of small files held now (tests). */
    long smallFilesHeld() {
        return small.held();
    }

    /** The gateway's port, once bound: the subdomain form's policy names it. */
    void ownPort(int port) {
        security.ownPort(port);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Callback answered = warmUp.seen(request, callback);
        // A small file already in memory is served where Jetty calls us (often its selector
        // thread): nothing on that path waits. Anything else may wait for the engine, so it goes
        // to the pool.
        if (!guarded(request, response, answered, true)) {
            request.getComponents().getExecutor().execute(() -> guarded(request, response, answered, false));
        }
        return true;
    }

    /**
     * @param fromMemoryOnly serve only a small file already in memory, and say false for anything else
     * @return whether the request was answered (or is being answered)
     */
    private boolean guarded(Request request, Response response, Callback callback, boolean fromMemoryOnly) {
        try {
            if (fromMemoryOnly) {
                return fromMemory(request, response, callback);
            }
            serve(request, response, callback);
        } catch (RuntimeException e) {
            // serve() completes the callback last on every path, so nothing has completed it yet
            LOG.warn("request failed: {}", e.toString(), e);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                response.reset(); // drop any file headers (ETag, Content-Range) already set
                protect(response);
                page(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "Gateway error",
                        "The BitWeb gateway failed on this request. The engine's log says why.");
            }
        }
        return true;
    }

    /**
     * Serves a GET or HEAD of a small file that is in memory, for a site named by its infohash in
     * its canonical spelling, or answers nothing and says false. It does what {@link #serve} does
     * for such a request, minus every step that can wait: the engine's lookup is
     * {@link SiteSource#now} (what it has open now), the bytes are {@link SmallFiles}'s. Key-addressed
     * sites always take {@link #serve}, whose lookup also checks for newer versions.
     */
    private boolean fromMemory(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            return false;
        }
        AskedHeaders asked = AskedHeaders.of(request.getHeaders());
        if (asked.speculative()) {
            return false;
        }
        HttpURI uri = request.getHttpURI();
        String host = uri.getHost();
        ParsedHost parsed = host == null ? null : hosts.get(host);
        if (parsed == null || !parsed.canonical() || parsed.site().site().kind() != SiteAddress.Kind.INFOHASH) {
            return false;
        }
        String rawPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        SitePath path;
        try {
            path = SitePath.parse(rawPath);
        } catch (IllegalArgumentException e) {
            return false; // serve() sends the page that says why
        }
        Optional<SiteView> view = warmUp.site(request, parsed.site().site());
        if (view.isEmpty()) {
            view = sites.now(parsed.site().site());
        }
        if (view.isEmpty()) {
            return false;
        }
        String name = path.trailingSlash() ? path.indexFile() : path.relative();
        SmallFiles.Entry kept = small.get(view.get().version(), name);
        if (kept == null) {
            return false;
        }
        // asked as serve() asks: the site still lists it, and a remote site notes it is in use
        Optional<SiteView.FileEntry> file = view.get().file(name);
        if (file.isEmpty()) {
            return false;
        }
        SecurityHeaders.addTo(response.getHeaders(), security.contentSecurityPolicy(parsed.site(), uri.getPort()));
        sendFile(request, response, callback, view.get(), file.get(), kept, asked);
        return true;
    }

    /** How long a request waits for a site's file list before the loading page is shown instead. */
    static final java.time.Duration FETCH_WAIT = java.time.Duration.ofMillis(1500);

    private void serve(Request request, Response response, Callback callback) {
        var headers = response.getHeaders();

        HttpURI uri = request.getHttpURI();
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null || host.isEmpty()) {
            protect(response);
            page(request, response, callback, HttpStatus.BAD_REQUEST_400, "No Host",
                    "The request names no host. " + ACCEPTED);
            return;
        }
        ParsedHost parsedHost = hosts.get(host);
        if (parsedHost == null) {
            try {
                Optional<BitwebHost> parsed = BitwebHost.parse(host);
                if (parsed.isPresent()) {
                    parsedHost = remember(host, parsed.get());
                }
            } catch (IllegalArgumentException e) {
                protect(response);
                page(request, response, callback, HttpStatus.BAD_REQUEST_400, "Bad site address", e.getMessage());
                return;
            }
            if (parsedHost == null) {
                protect(response);
                LOG.debug("refused host {}", host);
                page(request, response, callback, HttpStatus.MISDIRECTED_REQUEST_421, "Not a BitWeb host",
                        "This is the BitWeb gateway; it does not serve '" + host + "'. " + ACCEPTED);
                return;
            }
        }
        BitwebHost site = parsedHost.site();
        SecurityHeaders.addTo(headers, security.contentSecurityPolicy(site, port));
        AskedHeaders asked = AskedHeaders.of(request.getHeaders());
        if (asked.speculative()) {
            page(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "Not prefetched",
                    "BitWeb serves pages to readers, not to a browser's prefetching or prerendering.");
            return;
        }

        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            headers.put(HttpHeader.ALLOW, ALLOW);
            page(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Method not allowed",
                    "BitWeb sites are read-only: only GET and HEAD are served.");
            return;
        }

        // The path is checked before any redirect, so a Location never carries an unchecked path.
        String rawPath = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        SitePath path;
        try {
            path = SitePath.parse(rawPath);
        } catch (IllegalArgumentException e) {
            page(request, response, callback, HttpStatus.BAD_REQUEST_400, "Bad path", e.getMessage());
            return;
        }

        // One site, one origin: any other spelling of the host (base32 infohash, uppercase,
        // trailing dot) is sent to the canonical one, in the same form and on the same port.
        SiteAddress address = site.site();
        if (!parsedHost.canonical()) {
            redirect(request, response, callback, "http://" + parsedHost.canonicalHost() + (port > 0 ? ":" + port : "")
                    + rawPath + query(uri));
            return;
        }

        Optional<SiteView> warm = warmUp.site(request, address);
        SiteSource.Lookup lookup = warm.isPresent() ? new SiteSource.Lookup.Ready(warm.get())
                : sites.fetch(address, FETCH_WAIT, demand(request), path.trailingSlash() ? path.indexFile() : path.relative());
        if (lookup instanceof SiteSource.Lookup.Unknown unknown) {
            page(request, response, callback, HttpStatus.NOT_FOUND_404, "Site not available", unknown.reason());
            return;
        }
        if (lookup instanceof SiteSource.Lookup.Loading loading) {
            loadingPage(request, response, callback, loading);
            return;
        }
        SiteView files = ((SiteSource.Lookup.Ready) lookup).view();
        if (path.trailingSlash()) {
            Optional<SiteView.FileEntry> index = files.file(path.indexFile());
            if (index.isPresent()) {
                sendFile(request, response, callback, files, index.get(), null, asked);
            } else {
                notFound(request, response, callback, rawPath);
            }
            return;
        }
        Optional<SiteView.FileEntry> file = files.file(path.relative());
        if (file.isPresent()) {
            sendFile(request, response, callback, files, file.get(), null, asked);
        } else if (files.isDirectory(path.relative())) {
            // a folder's URL ends with '/', so that the relative links of its index.html resolve inside it
            redirect(request, response, callback, rawPath + "/" + query(uri));
        } else {
            notFound(request, response, callback, rawPath);
        }
    }

    private static String query(HttpURI uri) {
        return uri.getQuery() == null ? "" : "?" + uri.getQuery();
    }

    /**
     * A parsed site host. A page's requests name the same few hosts over and over, and parsing
     * one was a tenth of the gateway's own work per small file, so parses are kept: at most
     * {@value #HOSTS} (all dropped when full, so any number of hosts costs bounded memory).
     */
    private record ParsedHost(BitwebHost site, String canonicalHost, boolean canonical) {
    }

    static final int HOSTS = 1024;
    private final Map<String, ParsedHost> hosts = new ConcurrentHashMap<>();

    private ParsedHost remember(String host, BitwebHost site) {
        String canonicalHost = site.subdomain() ? site.site().host() + ".localhost" : site.site().host();
        ParsedHost parsed = new ParsedHost(site, canonicalHost, host.equals(canonicalHost));
        if (hosts.size() >= HOSTS) {
            hosts.clear();
        }
        hosts.put(host, parsed);
        return parsed;
    }

    /** The security headers of a response that is not a site's: nothing may load on its page. */
    static void protect(Response response) {
        SecurityHeaders.addTo(response.getHeaders(), SecurityHeaders.NOTHING);
    }

    /**
     * @param kept  the file's bytes in memory, or null to look for them
     * @param asked the request's conditional and range headers
     */
    private void sendFile(Request request, Response response, Callback callback, SiteView view,
                          SiteView.FileEntry file, SmallFiles.Entry kept, AskedHeaders asked) {
        var headers = response.getHeaders();
        String version = view.version();
        if (kept == null && file.length() <= SmallFiles.MAX_FILE) {
            kept = small.get(version, file.path());
        }
        if (kept != null && asked.plain()) {
            // the whole of a file in memory: every header field was encoded when it was kept
            headers.add(kept.etagField());
            headers.add(CACHE_FILES_FIELD);
            headers.add(ACCEPT_RANGES);
            headers.add(kept.contentType());
            headers.add(kept.contentLength());
            response.setStatus(HttpStatus.OK_200);
            if (HttpMethod.HEAD.is(request.getMethod()) || !kept.bytes().hasRemaining()) {
                callback.succeeded();
            } else {
                response.write(true, kept.bytes().slice(), callback);
            }
            return;
        }
        String etag = kept != null ? kept.etag() : etag(version, file.path());
        if (kept != null) {
            headers.add(kept.etagField());
        } else {
            headers.add(HttpHeader.ETAG, etag);
        }
        headers.add(CACHE_FILES_FIELD);
        headers.add(ACCEPT_RANGES);

        if (noneMatch(asked.ifNoneMatch(), etag)) {
            response.setStatus(HttpStatus.NOT_MODIFIED_304);
            callback.succeeded();
            return;
        }

        long total = file.length();
        String range = asked.range();
        if (range != null) {
            String ifRange = asked.ifRange();
            if (ifRange != null && !ifRange.trim().equals(etag)) {
                range = null; // the client's copy is another version: send the whole current file
            }
        }
        long offset = 0;
        long length = total;
        int status = HttpStatus.OK_200;
        ByteRange.Request wanted = ByteRange.parse(range, total);
        if (wanted instanceof ByteRange.Unsatisfiable) {
            response.setStatus(HttpStatus.RANGE_NOT_SATISFIABLE_416);
            headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + total);
            headers.put(HttpHeader.CONTENT_LENGTH, 0);
            callback.succeeded();
            return;
        }
        if (wanted instanceof ByteRange.Partial partial) {
            status = HttpStatus.PARTIAL_CONTENT_206;
            offset = partial.range().first();
            length = partial.range().length();
            headers.add(HttpHeader.CONTENT_RANGE, partial.range().contentRange(total));
        }

        if (kept != null) {
            headers.add(kept.contentType());
        } else {
            headers.add(HttpHeader.CONTENT_TYPE, ContentTypes.of(file.path()));
        }
        if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
            response.setStatus(status);
            headers.add(HttpHeader.CONTENT_LENGTH, length);
            callback.succeeded();
            return;
        }
        if (total <= SmallFiles.MAX_FILE) {
            if (kept == null) {
                kept = readSmall(request, response, callback, view, file, etag);
                if (kept == null) {
                    return; // the 504 page is sent
                }
            }
            response.setStatus(status);
            headers.add(HttpHeader.CONTENT_LENGTH, length);
            ByteBuffer bytes = kept.bytes().slice((int) offset, (int) length);
            response.write(true, bytes, callback);
            return;
        }
        stream(request, response, callback, view, file, offset, length, status);
    }

    /** Reads a whole small file and keeps it; null once a 504 page is sent because it did not arrive. */
    private SmallFiles.Entry readSmall(Request request, Response response, Callback callback, SiteView view,
                                      SiteView.FileEntry file, String etag) {
        ByteBuffer bytes = ByteBuffer.allocate((int) file.length());
        try (ReadableByteChannel in = view.channel(file, 0, file.length())) {
            while (bytes.hasRemaining()) {
                if (in.read(bytes) < 0) {
                    throw new EOFException("the file ended " + bytes.remaining() + " bytes early");
                }
            }
        } catch (IOException e) {
            notReceived(request, response, callback, view, file, e);
            return null;
        }
        return small.put(view.version(), file.path(), bytes.flip(), etag);
    }

    private void stream(Request request, Response response, Callback callback, SiteView view,
                        SiteView.FileEntry file, long offset, long length, int status) {
        RetainableByteBuffer buffer = request.getComponents().getByteBufferPool()
                .acquire((int) Math.min(BUFFER_SIZE, length), true);
        ReadableByteChannel in = null;
        long remaining;
        try {
            in = view.channel(file, offset, length);
            remaining = length - FileBody.fill(in, buffer.getByteBuffer(), length);
        } catch (IOException e) {
            closeQuietly(in);
            buffer.release();
            notReceived(request, response, callback, view, file, e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().add(HttpHeader.CONTENT_LENGTH, length);
        new FileBody(response, callback, in, buffer, remaining, file.path() + " of " + view.version()).iterate();
    }

    private static void notReceived(Request request, Response response, Callback callback, SiteView view,
                                    SiteView.FileEntry file, IOException e) {
        // which site and file is the user's browsing: debug only
        LOG.info("a file did not arrive in time: {}", e.toString());
        LOG.debug("file {} of {} did not arrive", file.path(), view.version(), e);
        // the file's own headers (ETag, Content-Range, type) do not belong on the error page
        var headers = response.getHeaders();
        headers.remove(HttpHeader.ETAG);
        headers.remove(HttpHeader.CONTENT_RANGE);
        headers.remove(HttpHeader.CONTENT_TYPE);
        headers.remove(HttpHeader.ACCEPT_RANGES);
        page(request, response, callback, HttpStatus.GATEWAY_TIMEOUT_504, "Not received in time",
                "The site's peers did not send this file in time; try again.");
    }

    /**
     * Shown while a site's file list is on its way: says what is happening and reloads itself
     * every second, so it turns into the site as soon as the site can be read. Not cached.
     */
    private static void loadingPage(Request request, Response response, Callback callback,
                                    SiteSource.Lookup.Loading loading) {
        response.getHeaders().put(CACHE_ERRORS_FIELD);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        String details = escape(loading.stage()) + " &middot; " + loading.peers()
                + (loading.peers() == 1 ? " peer" : " peers") + " &middot; " + loading.bytes() + " bytes received";
        String html = "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"1\"><title>Loading&hellip;</title></head>\n"
                + "<body><h1>Loading this site from its peers&hellip;</h1>\n"
                + "<p id=\"bitweb-progress\">" + details + "</p>\n"
                + "<p><small>BitWeb gateway: this page reloads itself until the site is here.</small></p>"
                + "</body></html>\n";
        send(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, html);
    }

    private static void notFound(Request request, Response response, Callback callback, String rawPath) {
        page(request, response, callback, HttpStatus.NOT_FOUND_404, "Not found",
                "This site has no file at " + rawPath + ".");
    }

    private static void redirect(Request request, Response response, Callback callback, String location) {
        response.getHeaders().put(HttpHeader.LOCATION, location);
        // not cached for long: a later version of a key-addressed site may turn a folder into a file
        response.getHeaders().put(CACHE_FILES_FIELD);
        send(request, response, callback, HttpStatus.MOVED_PERMANENTLY_301, html("Moved",
                "<p>This page is at <a href=\"" + escape(location) + "\">" + escape(location) + "</a>.</p>"));
    }

    /** A small HTML error page; never cached, since the next try may succeed. */
    static void page(Request request, Response response, Callback callback, int status, String title,
                     String message) {
        response.getHeaders().put(CACHE_ERRORS_FIELD);
        send(request, response, callback, status,
                html(status + " " + title, "<p>" + escape(message) + "</p>"));
    }

    private static void send(Request request, Response response, Callback callback, int status, String html) {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HTML_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    private static String html(String title, String bodyHtml) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head>\n<body><h1>" + escape(title) + "</h1>\n" + bodyHtml
                + "\n<hr><p><small>BitWeb gateway</small></p></body></html>\n";
    }

    static final String ACCEPTED = "It serves only BitWeb sites: http://<site>.bitweb/ through the BitWeb "
            + "browser extension, or http://<site>.bitweb.localhost:<port>/ directly.";

    /**
     * A strong ETag: a site version is immutable, so version + path names exactly one content.
     * Hashed so that any version string or path gives a valid, short header value.
     */
    static String etag(String version, String path) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(version.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(path.getBytes(StandardCharsets.UTF_8));
            return "\"" + Hex.encode(Arrays.copyOf(sha.digest(), 16)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** If-None-Match uses the weak comparison: W/ is ignored, and * matches any file. */
    static boolean noneMatch(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void closeQuietly(ReadableByteChannel in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                LOG.debug("closing a site stream", e);
            }
        }
    }

    /**
     * A navigation (a tab or frame opening the page) or an embedded resource. Browsers say so in
     * Sec-Fetch-Mode where the origin is trustworthy (*.bitweb.localhost); through the proxy form
     * only the Accept header tells: navigations ask for text/html first.
     */
    static SiteSource.Demand demand(Request request) {
        String mode = request.getHeaders().get("Sec-Fetch-Mode");
        if (mode != null) {
            return mode.equals("navigate") ? SiteSource.Demand.VISIT : SiteSource.Demand.EMBED;
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.startsWith("text/html") ? SiteSource.Demand.VISIT : SiteSource.Demand.EMBED;
    }
}
