package org.bitweb.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a user may paste to name a site: {@code http://<site>.bitweb/path},
 * {@code http://<site>.bitweb.localhost:port/path}, a bare label, or a magnet link
 * ({@code magnet:?xt=urn:btih:<hex|base32>} with optional {@code x.pe=host:port} peer hints, or
 * {@code magnet:?xs=urn:btpk:<64 hex>} with an optional BEP 46 salt {@code &s=<salt hex>}).
 *
 * @param site  the site
 * @param path  the path inside the site, starting with '/'
 * @param peers peers the link names (magnet {@code x.pe}); literal IP addresses only, so that
 *              parsing a link never makes a DNS query
 */
public record SiteLink(SiteAddress site, String path, List<InetSocketAddress> peers) {

    public SiteLink {
        peers = List.copyOf(peers);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
    }

    /** The magnet link of a site: {@code xt=urn:btih:} for a torrent, {@code xs=urn:btpk:} (and {@code s=}) for a key. */
    public static String magnet(SiteAddress site) {
        if (site.kind() == SiteAddress.Kind.INFOHASH) {
            return "magnet:?xt=urn:btih:" + site.hex();
        }
        return "magnet:?xs=urn:btpk:" + site.hex() + (site.hasSalt() ? "&s=" + site.saltHex() : "");
    }

    public static SiteLink parse(String text) {
        String s = text.trim();
        if (s.regionMatches(true, 0, "magnet:", 0, 7)) {
            return magnet(s);
        }
        String rest = s;
        if (rest.regionMatches(true, 0, "http://", 0, 7)) {
            rest = rest.substring(7);
        } else if (rest.contains("://")) {
            throw new IllegalArgumentException("not a bitweb link: '" + text + "' (use http://<site>.bitweb/ or a magnet link)");
        }
        int slash = rest.indexOf('/');
        String host = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        SiteAddress site = BitwebHost.parse(host).map(BitwebHost::site).orElseGet(() -> SiteAddress.parseHostPart(host));
        return new SiteLink(site, path, List.of());
    }

    private static SiteLink magnet(String text) {
        String query = text.substring(text.indexOf(':') + 1);
        if (query.startsWith("?")) {
            query = query.substring(1);
        }
        SiteAddress site = null;
        String salt = null;
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = pair.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (key) {
                case "xt" -> {
                    if (value.toLowerCase(Locale.ROOT).startsWith("urn:btih:")) {
                        site = SiteAddress.parseLabel(value.substring(9));
                    }
                }
                case "xs" -> {
                    if (value.toLowerCase(Locale.ROOT).startsWith("urn:btpk:")) {
                        String key64 = value.substring(9);
                        if (key64.length() != 64) {
                            throw new IllegalArgumentException("urn:btpk needs a 64-hex public key: " + key64);
                        }
                        site = new SiteAddress(SiteAddress.Kind.PUBLIC_KEY, key64);
                    }
                }
                case "s" -> salt = value;
                case "x.pe" -> peers.add(peer(value));
                default -> { }
            }
        }
        if (site == null) {
            throw new IllegalArgumentException("the magnet link names no site (no xt=urn:btih:... or xs=urn:btpk:...): " + text);
        }
        if (salt != null && !salt.isEmpty()) {
            if (site.kind() != SiteAddress.Kind.PUBLIC_KEY) {
                throw new IllegalArgumentException("a salt (s=) goes with a key (xs=urn:btpk:...), not an infohash: " + text);
            }
            byte[] bytes;
            try {
                bytes = Hex.decode(salt);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the salt (s=) of a magnet link is hex: " + salt);
            }
            site = SiteAddress.publicKey(site.bytes(), bytes); // refuses a salt no host name can carry
        }
        return new SiteLink(site, "/", peers);
    }

    /** {@code 1.2.3.4:6881} or {@code [::1]:6881}; names are refused rather than looked up. */
    public static InetSocketAddress peer(String text) {
        try {
            URI uri = new URI("peer://" + text);
            String host = uri.getHost();
            int port = uri.getPort();
            if (host == null || port <= 0 || port > 65535) {
                throw new IllegalArgumentException("a peer is IP:port, not '" + text + "'");
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException("a peer must be an IP address, not a name: '" + text + "'");
            }
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (URISyntaxException | UnknownHostException e) {
            throw new IllegalArgumentException("a peer is IP:port, not '" + text + "'");
        }
    }
}
