package org.bitweb.gateway;

import org.eclipse.jetty.http.MimeTypes;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file extension: Jetty's table ({@link MimeTypes#DEFAULTS}, shipped inside the
 * jar, so a site is served the same way on every machine) with BitWeb's few overrides on top.
 * Every {@code text/*} type says UTF-8 explicitly. Anything unknown is
 * {@code application/octet-stream}, and the gateway sends {@code nosniff}, so a browser never
 * guesses a type (an unknown file is never run as HTML or script).
 *
 * <p>The table is merged once, here; a lookup is one map read.
 */
public final class ContentTypes {

    public static final String DEFAULT = "application/octet-stream";
    public static final String HTML = "text/html; charset=utf-8";

    /**
     * What Jetty's table lacks and static sites serve (subtitles, web audio and video, streaming
     * playlists, manifests), and where its type plays worse in browsers than the one here.
     */
    private static final Map<String, String> OVERRIDES = Map.ofEntries(
            // web media Jetty does not know
            Map.entry("vtt", "text/vtt"),
            Map.entry("webm", "video/webm"),
            Map.entry("weba", "audio/webm"),
            Map.entry("opus", "audio/ogg"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("ogv", "video/ogg"),
            Map.entry("flac", "audio/flac"),
            Map.entry("aac", "audio/aac"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("m4v", "video/mp4"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"),
            Map.entry("mpd", "application/dash+xml"),
            Map.entry("jxl", "image/jxl"),
            // documents and formats of the web platform
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("map", "application/json"),
            Map.entry("md", "text/markdown"),
            Map.entry("epub", "application/epub+zip"),
            Map.entry("7z", "application/x-7z-compressed"),
            // Jetty says application/ogg, audio/x-wav, image/vnd.microsoft.icon: these are what
            // browsers' media elements and favicons expect, and what the gateway always sent
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ico", "image/x-icon"));

    private static final Map<String, String> BY_EXTENSION = merge();

    private ContentTypes() {
    }

    /** @param path a site path such as {@code img/a.PNG}; the extension is matched case-insensitively */
    public static String of(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash + 1) {
            return DEFAULT; // no extension, or a dot file such as ".htaccess"
        }
        return BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }

    private static Map<String, String> merge() {
        Map<String, String> types = new HashMap<>(MimeTypes.DEFAULTS.getMimeMap());
        types.putAll(OVERRIDES);
        types.replaceAll((extension, type) -> withCharset(type));
        return Map.copyOf(types);
    }

    /** Text says its charset: a site's text is UTF-8 (Jetty would infer ISO-8859-1 for text/plain). */
    private static String withCharset(String type) {
        String base = MimeTypes.getContentTypeWithoutCharset(type).trim().toLowerCase(Locale.ROOT);
        return base.startsWith("text/") ? base + "; charset=utf-8" : base;
    }
}
