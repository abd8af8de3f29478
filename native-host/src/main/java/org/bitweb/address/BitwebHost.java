package org.bitweb.address;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads a site out of an HTTP Host value. Two forms reach the gateway: proxy form
 * {@code <label>.bitweb} (the extension routes it to us) and subdomain form
 * {@code <label>.bitweb.localhost[:port]} (browsers resolve {@code *.localhost} to loopback, so
 * curl and browsers without the extension work too). A key site under a salt has two labels,
 * {@code <salt>.<key>.bitweb} ({@link SaltLabel}).
 *
 * @param site      the site named by the host
 * @param subdomain true for the {@code .bitweb.localhost} form
 * @param label     the label as it was written (may differ from the canonical one)
 */
public record BitwebHost(SiteAddress site, boolean subdomain, String label) {

    private static final String PROXY_SUFFIX = "." + SiteAddress.TLD;
    private static final String SUBDOMAIN_SUFFIX = "." + SiteAddress.TLD + ".localhost";

    /**
     * @return the site, or empty if the host is not a {@code *.bitweb} host at all
     * @throws IllegalArgumentException if it is a bitweb host whose label is not a site address
     */
    public static Optional<BitwebHost> parse(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return Optional.empty();
        }
        String host = stripPort(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        boolean subdomain;
        String rest;
        if (host.endsWith(SUBDOMAIN_SUFFIX)) {
            subdomain = true;
            rest = host.substring(0, host.length() - SUBDOMAIN_SUFFIX.length());
        } else if (host.endsWith(PROXY_SUFFIX)) {
            subdomain = false;
            rest = host.substring(0, host.length() - PROXY_SUFFIX.length());
        } else {
            return Optional.empty();
        }
        if (rest.isEmpty() || rest.chars().filter(c -> c == '.').count() > 1) {
            throw new IllegalArgumentException("not a site address: '" + hostHeader
                    + "' (expected <site>.bitweb, or <salt>.<key>.bitweb for a key site under a salt)");
        }
        try {
            return Optional.of(new BitwebHost(SiteAddress.parseHostPart(rest), subdomain, rest));
        } catch (IllegalArgumentException e) {
            if (rest.contains(".")) {
                throw new IllegalArgumentException("not a site address: '" + hostHeader + "': " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** True when the host was not written with the canonical label, so the browser should be sent there. */
    public boolean isCanonical() {
        return label.equals(site.label());
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            return host; // IPv6 literal: never a bitweb host
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }
}
