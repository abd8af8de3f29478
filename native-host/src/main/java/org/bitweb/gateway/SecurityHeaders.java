package org.bitweb.gateway;

import org.bitweb.address.BitwebHost;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;

import java.util.List;

/**
 * The headers that keep a site inside BitWeb. They are all here so the policy is read in one place.
 *
 * <p>A BitWeb page may use any other BitWeb site (link it, embed its images, scripts, frames,
 * fetch from it) but nothing outside BitWeb: no request from a page should leak to the clear web
 * that the visitor is reading it, nor make a page depend on a server that can change or vanish.
 * So every fetch directive falls back to {@code default-src}, which lists only:
 * <ul>
 *   <li>{@code 'self'} and BitWeb origins: {@code http://*.bitweb} in proxy form; in subdomain form
 *       {@code http://*.bitweb.localhost:PORT}, the only origins that reach this gateway there;</li>
 *   <li>{@code data:} and {@code blob:}, which never leave the browser;</li>
 *   <li>{@code 'unsafe-inline'} and {@code 'unsafe-eval'}: static sites use inline scripts and
 *       styles (and eval/WebAssembly); the policy is about where requests go, not about XSS.</li>
 * </ul>
 * {@code form-action}, {@code frame-ancestors} and {@code base-uri} do not fall back to
 * {@code default-src}, so they get the same list of origins: a form cannot post off BitWeb, only
 * BitWeb pages may frame a BitWeb page, and {@code <base>} cannot point relative URLs elsewhere.
 * No {@code ws:} source is listed: the gateway serves no WebSockets. CSP cannot stop a plain
 * link from navigating away; {@code Referrer-Policy: no-referrer} keeps such a navigation from
 * telling the destination which site it came from.
 *
 * <p>Prefetching and speculation (issue 12, item 2): {@code X-DNS-Prefetch-Control: off} stops the
 * DNS lookups a browser makes on its own for a page's links. The policy lists no
 * {@code 'inline-speculation-rules'}; it cannot forbid inline speculation rules while it allows
 * inline scripts ({@code 'unsafe-inline'} allows both), and browsers do not apply it to
 * {@code <link rel=preconnect|dns-prefetch>} everywhere: the extension turns network prediction off
 * for that (docs/EXTENSION.md). The gateway itself never sends a header that adds speculation or
 * preloading ({@link #NEVER_SENT}: {@code Link}, {@code Speculation-Rules},
 * {@code Supports-Loading-Mode}), and refuses speculative requests ({@link #speculative}), so
 * neither a page nor the browser's predictor makes the engine look a site up that nobody opened.
 *
 * <p>One site, one agent cluster: {@code Origin-Agent-Cluster: ?1} asks the browser to keep each
 * site's pages in a cluster of their own (no {@code document.domain} to join a sibling under
 * {@code bitweb.localhost}). No response sets a cookie ({@link #NEVER_SENT}): the gateway serves
 * static files, its headers come from this code only, and a site's files never become headers.
 * What a page's own script does with {@code document.cookie} is the browser's (docs/PRIVACY.md).
 *
 * <p>The headers are encoded once ({@link PreEncodedHttpField}): every response carries them, so
 * building them per request was a measurable share of serving a small page. A new header that
 * every response needs goes into {@link #EVERY_RESPONSE}.
 */
final class SecurityHeaders {

    static final String REFERRER_POLICY = "no-referrer";

    /** For the gateway's own pages to hosts that are not sites: nothing may load. */
    static final String CSP_NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final String CSP = "Content-Security-Policy";

    /** Sent on every response, the gateway's own pages included. */
    static final List<HttpField> EVERY_RESPONSE = List.of(
            // the browser never guesses a type: an unknown file is never run as HTML or script
            new PreEncodedHttpField("X-Content-Type-Options", "nosniff"),
            // a bitweb page's links must not make the browser look names up in DNS
            new PreEncodedHttpField("X-DNS-Prefetch-Control", "off"),
            new PreEncodedHttpField("Referrer-Policy", REFERRER_POLICY),
            // each site its own agent cluster: no document.domain between sites of bitweb.localhost
            new PreEncodedHttpField("Origin-Agent-Cluster", "?1"));

    /**
     * Headers no response of the gateway carries, whatever a site holds: cookies (one site must
     * not set what another reads, {@code Domain=bitweb.localhost} would reach them all), preload
     * and speculation hints (a connection to the clear web before any request), a redirect after a
     * delay, the opt-in to prerendering across origins. Nothing adds them; GatewayHeadersTest
     * holds every kind of response to this list.
     */
    static final List<String> NEVER_SENT = List.of("Set-Cookie", "Set-Cookie2", "Link", "Speculation-Rules",
            "Supports-Loading-Mode", "Refresh", "Access-Control-Allow-Origin");

    /**
     * Whether a request is a speculative load, not a reader's: a prefetch or prerender by the
     * browser ({@code Sec-Purpose: prefetch...}, older {@code Purpose: prefetch}, Safari's
     * {@code X-Purpose: preview}, Firefox's {@code X-Moz: prefetch}). The gateway answers them with
     * 503, which browsers take as "do not speculate here": a lookup costs the engine threads and
     * tells peers the site is wanted, which only a reader's own navigation should do.
     */
    static boolean speculative(HttpFields request) {
        for (HttpField field : request) {
            if (speculative(field)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this one request header marks a speculative load (see {@link #speculative(HttpFields)}). */
    static boolean speculative(HttpField field) {
        String name = field.getName();
        String value = field.getValue();
        if (value == null) {
            return false;
        }
        if (name.equalsIgnoreCase("Sec-Purpose")) {
            return value.regionMatches(true, 0, "prefetch", 0, 8);
        }
        if (name.equalsIgnoreCase("Purpose") || name.equalsIgnoreCase("X-Moz")) {
            return value.equalsIgnoreCase("prefetch");
        }
        return name.equalsIgnoreCase("X-Purpose") && value.equalsIgnoreCase("preview");
    }

    static final HttpField NOTHING = new PreEncodedHttpField(CSP, CSP_NOTHING);
    /** The policy of proxy-form requests (the extension's), which name no port. */
    private static final HttpField PROXY_FORM = new PreEncodedHttpField(CSP, policy(false, -1));
    /** The policy of subdomain-form requests on the gateway's own port, once the port is known. */
    private volatile OwnPort own = new OwnPort(-1, null);

    private record OwnPort(int port, HttpField policy) {
    }

    /** @param port the gateway's port, once bound: the subdomain form's policy names it */
    void ownPort(int port) {
        own = new OwnPort(port, new PreEncodedHttpField(CSP, policy(true, port)));
    }

    /** Adds the headers of every response, with the Content-Security-Policy {@code csp}. */
    static void addTo(HttpFields.Mutable headers, HttpField csp) {
        for (HttpField field : EVERY_RESPONSE) {
            headers.add(field);
        }
        headers.add(csp);
    }

    /**
     * The Content-Security-Policy of a site's responses.
     *
     * @param host the site host of the request
     * @param port the port the browser used (from the Host/authority), or -1 if it sent none
     */
    HttpField contentSecurityPolicy(BitwebHost host, int port) {
        if (!host.subdomain() && port <= 0) {
            return PROXY_FORM;
        }
        OwnPort known = own;
        if (host.subdomain() && port == known.port()) {
            return known.policy();
        }
        return new HttpField(CSP, policy(host.subdomain(), port));
    }

    /**
     * @param subdomain the request used the subdomain form ({@code <site>.bitweb.localhost:PORT})
     * @param port      the port the browser used (from the Host/authority), or -1 if it sent none
     */
    static String policy(boolean subdomain, int port) {
        String bitweb = (subdomain ? "http://*.bitweb.localhost" : "http://*.bitweb")
                + (port > 0 ? ":" + port : "");
        String origins = "'self' " + bitweb;
        return "default-src " + origins + " data: blob: 'unsafe-inline' 'unsafe-eval'; "
                + "form-action " + origins + "; "
                + "frame-ancestors " + origins + "; "
                + "base-uri " + origins;
    }
}
