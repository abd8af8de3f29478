package org.bitweb.comments;

import org.bitweb.address.SiteAddress;
import org.bitweb.address.SiteLink;
import org.bitweb.gateway.SitePath;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A page records point at or come from: a site (an updatable site by its key and salt, so its
 * comments outlive each version; an immutable site by its infohash) and a path, percent-decoded
 * and in the one form the gateway serves it under: {@code /}, {@code /about/}, {@code /a/b.html}.
 * A folder's {@code index.html} is the folder ({@code /about/index.html} is {@code /about/}), so
 * both URLs of one page share its comments. The gateway's path rules ({@link SitePath}) decide
 * which paths exist at all; here a path must also be what parsing its own URL form gives back.
 *
 * @param site the site
 * @param path starts with '/', at most {@link Limits#MAX_PATH_BYTES} bytes of UTF-8
 */
public record Page(SiteAddress site, String path) {
    private static final String INDEX = "index.html";

    public Page {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a page path starts with '/': '" + path + "'");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_PATH_BYTES) {
            throw new IllegalArgumentException("a page path is at most " + Limits.MAX_PATH_BYTES + " bytes");
        }
        String canonical = canonicalPath(encodePath(path));
        if (!canonical.equals(path)) {
            throw new IllegalArgumentException("not a page path in canonical form: '" + path + "' (it is '" + canonical + "')");
        }
    }

    /**
     * The page a URL names: {@code http://<site>.bitweb/path}, the {@code .bitweb.localhost:port}
     * form, a label or a magnet link (its root page). Query and fragment are not part of a page.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Page parse(String url) {
        SiteLink link = SiteLink.parse(url);
        return new Page(link.site(), canonicalPath(link.path()));
    }

    /** The root page of a site. */
    public static Page root(SiteAddress site) {
        return new Page(site, "/");
    }

    /** The canonical page path of a raw (still percent-encoded) URL path. */
    static String canonicalPath(String rawPath) {
        SitePath parsed = SitePath.parse(rawPath);
        String relative = parsed.relative();
        boolean folder = parsed.trailingSlash();
        if (!folder && (relative.equals(INDEX) || relative.endsWith("/" + INDEX))) {
            relative = relative.substring(0, relative.length() - INDEX.length());
            relative = relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
            folder = true;
        }
        if (relative.isEmpty()) {
            return "/";
        }
        return "/" + relative + (folder ? "/" : "");
    }

    /** The path percent-encoded for a URL: every byte but letters, digits, '/' and {@code -._~!$&'()*+,;=:@}. */
    public static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** {@code http://<site>.bitweb/<path>} */
    public String url() {
        return "http://" + site.host() + encodePath(path);
    }

    @Override
    public String toString() {
        return url();
    }
}
