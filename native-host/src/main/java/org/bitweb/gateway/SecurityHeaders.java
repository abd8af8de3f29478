package org.bitweb.gateway;

import org.bitweb.address.BitwebHost;

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
 */
final class SecurityHeaders {

    static final String REFERRER_POLICY = "no-referrer";

    /** For the gateway's own pages to hosts that are not sites: nothing may load. */
    static final String CSP_NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /**
     * @param host the site host of the request
     * @param port the port the browser used (from the Host/authority), or -1 if it sent none
     */
    static String contentSecurityPolicy(BitwebHost host, int port) {
        String bitweb = (host.subdomain() ? "http://*.bitweb.localhost" : "http://*.bitweb")
                + (port > 0 ? ":" + port : "");
        String origins = "'self' " + bitweb;
        return "default-src " + origins + " data: blob: 'unsafe-inline' 'unsafe-eval'; "
                + "form-action " + origins + "; "
                + "frame-ancestors " + origins + "; "
                + "base-uri " + origins;
    }
}
