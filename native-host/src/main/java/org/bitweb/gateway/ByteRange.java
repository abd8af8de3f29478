package org.bitweb.gateway;

import java.util.Locale;
import java.util.Optional;

/**
 * One satisfiable byte range of a file, read from a {@code Range} header (RFC 9110 §14).
 * Only a single range is served as 206: a header with several ranges is answered with the whole
 * file as 200, which the RFC allows (a server may ignore Range) and spares us multipart bodies
 * that browsers do not ask for when playing media or resuming downloads.
 *
 * @param first offset of the first byte
 * @param last  offset of the last byte, inclusive
 */
public record ByteRange(long first, long last) {

    /** What a {@code Range} header asks of a file of a given length. */
    public sealed interface Request permits Whole, Partial, Unsatisfiable {
    }

    /** No usable range (absent, malformed, several ranges, or another unit): send the whole file. */
    public record Whole() implements Request {
    }

    /** Send this one range as 206. */
    public record Partial(ByteRange range) implements Request {
    }

    /** The range lies past the end of the file: 416. */
    public record Unsatisfiable() implements Request {
    }

    public long length() {
        return last - first + 1;
    }

    /** The value of {@code Content-Range} for this range of a file of {@code total} bytes. */
    public String contentRange(long total) {
        return "bytes " + first + "-" + last + "/" + total;
    }

    /**
     * @param header     the Range header, or null
     * @param fileLength the file's length
     */
    public static Request parse(String header, long fileLength) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return new Whole();
        }
        String spec = h.substring(eq + 1).trim();
        if (spec.contains(",")) {
            return new Whole(); // several ranges: answered with the whole file, see the class comment
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String startText = spec.substring(0, dash).trim();
        String endText = spec.substring(dash + 1).trim();
        Optional<Long> start = number(startText);
        Optional<Long> end = number(endText);
        if (startText.isEmpty()) {
            // suffix range: the last n bytes
            if (end.isEmpty()) {
                return new Whole();
            }
            long n = end.get();
            if (n == 0 || fileLength == 0) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(Math.max(0, fileLength - n), fileLength - 1));
        }
        if (start.isEmpty() || (!endText.isEmpty() && end.isEmpty())) {
            return new Whole();
        }
        long first = start.get();
        if (end.isPresent() && end.get() < first) {
            return new Whole(); // invalid range-spec: ignore the header
        }
        if (first >= fileLength) {
            return new Unsatisfiable();
        }
        long last = end.map(e -> Math.min(e, fileLength - 1)).orElse(fileLength - 1);
        return new Partial(new ByteRange(first, last));
    }

    private static Optional<Long> number(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text));
    }
}
