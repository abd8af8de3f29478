package org.bitweb.comments;

import org.bitweb.address.SiteAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds, in the HTML pages of a site being published, the links to pages of other bitweb sites:
 * {@code <a href="http://<site>.bitweb/...">} (also the {@code .bitweb.localhost} form,
 * {@code web+bitweb:} and magnet links). Each becomes a {@link Link} from the page that holds it
 * to the page it names, with the link's text; the publishing site signs them as link records
 * ({@link Comments#links}), and the target pages show them as "linked from".
 *
 * <p>A tolerant scan, not an HTML parser: attributes in single, double or no quotes, entities in
 * the URL decoded, text stripped of tags and squeezed. At most {@link #MAX_LINKS} distinct
 * (from, to) pairs per publish: each costs a proof of work.
 */
public final class Backlinks {
    /** Links made per publish: each is a record with a second of work behind it. */
    public static final int MAX_LINKS = 64;
    /** Characters of a link's text kept. */
    static final int MAX_TEXT = 200;
    private static final long MAX_PAGE_BYTES = 4L * 1024 * 1024;
    private static final Pattern ANCHOR = Pattern.compile("<a\\s([^>]{0,4000})>(.{0,4000}?)</a\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HREF = Pattern.compile("(?:^|\\s)href\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private Backlinks() {
    }

    /** A link from a page of the published site to a page of another site. */
    public record Link(Page from, Page target, String text) {
    }

    /**
     * The links of every {@code .html}/{@code .htm} file under {@code data} (the folder as
     * published, hidden files left out as publishing does), from the pages of {@code self}, to
     * other sites than {@code self}.
     */
    public static List<Link> of(SiteAddress self, Path data) throws IOException {
        Map<String, Link> links = new LinkedHashMap<>();
        List<Path> pages;
        try (Stream<Path> files = Files.walk(data)) {
            // hidden files and folders are not published (docs/DESIGN.md), so they link nowhere
            pages = files.filter(Files::isRegularFile).filter(Backlinks::isHtml)
                    .filter(file -> !hidden(data.relativize(file))).sorted().toList();
        }
        for (Path file : pages) {
            if (Files.size(file) > MAX_PAGE_BYTES) {
                continue;
            }
            String relative = data.relativize(file).toString().replace('\\', '/');
            Page from;
            try {
                from = new Page(self, Page.canonicalPath("/" + Page.encodePath(relative)));
            } catch (IllegalArgumentException e) {
                continue; // a file no URL can name
            }
            for (Link link : inPage(from, Files.readString(file, StandardCharsets.UTF_8))) {
                links.putIfAbsent(link.from().url() + " " + link.target().url(), link);
                if (links.size() >= MAX_LINKS) {
                    return List.copyOf(links.values());
                }
            }
        }
        return List.copyOf(links.values());
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHtml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return (name.endsWith(".html") || name.endsWith(".htm")) && !name.startsWith(".");
    }

    /** The links of one page's HTML to other sites, in order, each target once. */
    static List<Link> inPage(Page from, String html) {
        List<Link> out = new ArrayList<>();
        java.util.Set<Page> seen = new java.util.HashSet<>();
        Matcher anchor = ANCHOR.matcher(html);
        while (anchor.find()) {
            Matcher href = HREF.matcher(anchor.group(1));
            if (!href.find()) {
                continue;
            }
            String raw = href.group(1) != null ? href.group(1) : href.group(2) != null ? href.group(2) : href.group(3);
            Page target = target(entities(raw).strip());
            if (target == null || target.site().equals(from.site()) || !seen.add(target)) {
                continue;
            }
            out.add(new Link(from, target, text(anchor.group(2))));
        }
        return out;
    }

    /** The bitweb page a link names, or null for anything else (relative links stay within the site). */
    static Page target(String href) {
        String lower = href.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("web+bitweb:")) {
                String rest = href.substring("web+bitweb:".length());
                return Page.parse(rest.startsWith("//") ? rest.substring(2) : rest);
            }
            if (lower.startsWith("magnet:")) {
                return Page.parse(href);
            }
            String url = lower.startsWith("https://") ? "http://" + href.substring(8) : href;
            if (!url.toLowerCase(Locale.ROOT).startsWith("http://")) {
                return null;
            }
            String host = url.substring(7).split("[/?#]", 2)[0].toLowerCase(Locale.ROOT);
            if (!host.matches(".*\\.bitweb(\\.localhost)?(:[0-9]+)?")) {
                return null;
            }
            return Page.parse(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The visible text of a link: tags out, entities decoded, whitespace squeezed, and only what a record may hold. */
    static String text(String inner) {
        String text = entities(TAG.matcher(inner).replaceAll(" ")).replaceAll("\\s+", " ").strip();
        StringBuilder clean = new StringBuilder();
        text.codePoints().filter(c -> c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && !(c >= 0x202a && c <= 0x202e)
                && !(c >= 0x2066 && c <= 0x2069) && c != 0xfffe && c != 0xffff).forEach(clean::appendCodePoint);
        String out = clean.toString();
        if (out.codePointCount(0, out.length()) > MAX_TEXT) {
            out = out.substring(0, out.offsetByCodePoints(0, MAX_TEXT - 1)) + "…";
        }
        return out;
    }

    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);");

    static String entities(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String value = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "nbsp" -> " ";
                default -> {
                    int code = e.charAt(1) == 'x' || e.charAt(1) == 'X' ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(code) && !Character.isSurrogate((char) code) ? new String(Character.toChars(code)) : "\uFFFD";
                }
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
