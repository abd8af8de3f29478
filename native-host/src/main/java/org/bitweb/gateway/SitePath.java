package org.bitweb.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request path turned into a path inside a site, or refused. This is the one place that
 * decides what a URL may name, so that no request can reach outside the site: every segment is
 * percent-decoded on its own (strict UTF-8) and refused if it is empty, made only of dots (".",
 * "..", and "..." which Windows treats like "."), or holds a separator ('/' or '\' once decoded),
 * NUL or another control character. Nothing is normalized away: a path that would need
 * normalizing is refused, so there is exactly one spelling of each file.
 *
 * @param relative      '/'-separated, no leading slash, as {@link SiteView} expects ({@code ""} is the root)
 * @param trailingSlash the URL named a folder (ends with '/', or is the root)
 */
public record SitePath(String relative, boolean trailingSlash) {

    /** The root of a site. */
    public static final SitePath ROOT = new SitePath("", true);

    /**
     * @param rawPath the path of the request-target as sent, still percent-encoded, without the query
     * @throws IllegalArgumentException naming why the path is refused
     */
    public static SitePath parse(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return ROOT;
        }
        if (rawPath.charAt(0) != '/') {
            throw new IllegalArgumentException("the path must start with '/'");
        }
        boolean trailingSlash = rawPath.endsWith("/");
        String body = rawPath.substring(1, trailingSlash ? rawPath.length() - 1 : rawPath.length());
        if (plain(body)) {
            return new SitePath(body, trailingSlash); // the common case, checked in one pass
        }
        List<String> segments = new ArrayList<>();
        for (String raw : body.split("/", -1)) {
            String segment = decode(raw);
            check(segment);
            segments.add(segment);
        }
        return new SitePath(String.join("/", segments), trailingSlash);
    }

    /** The path of the file served for this URL: the folder's index.html for a folder URL. */
    public String indexFile() {
        return relative.isEmpty() ? "index.html" : relative + "/index.html";
    }

    /**
     * True if every segment of {@code body} is valid as written: nothing to decode and nothing
     * {@link #check} would refuse. Anything else takes the segment-by-segment way, which says
     * what is wrong.
     */
    private static boolean plain(String body) {
        boolean empty = true;
        boolean onlyDots = true;
        for (int i = 0; i <= body.length(); i++) {
            char c = i < body.length() ? body.charAt(i) : '/';
            if (c == '/') {
                if (empty || onlyDots) {
                    return false;
                }
                empty = true;
                onlyDots = true;
            } else if (c == '%' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            } else {
                empty = false;
                onlyDots &= c == '.' || Character.isWhitespace(c);
            }
        }
        return true;
    }

    private static void check(String segment) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException("empty path segment ('//')");
        }
        if (onlyDots(segment)) {
            throw new IllegalArgumentException("path segment '" + segment + "' is not allowed (dot segments)");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') {
                throw new IllegalArgumentException("encoded path separator in a path segment");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("control character (code " + (int) c + ") in the path");
            }
        }
    }

    private static boolean onlyDots(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '.' && !Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decodes one segment as UTF-8, refusing bad escapes and invalid UTF-8. '+' stays '+'. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("truncated percent-escape in the path");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-escape in the path");
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 3;
            } else {
                int next = raw.indexOf('%', i);
                int end = next < 0 ? raw.length() : next;
                bytes.put(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the path is not valid UTF-8 once percent-decoded");
        }
    }
}
