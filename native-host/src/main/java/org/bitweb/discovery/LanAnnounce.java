package org.bitweb.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One BEP 14 local service discovery announce, the HTTP-like {@code BT-SEARCH} datagram a peer
 * multicasts to its LAN: the port it listens on, the torrents it takes part in and a cookie that
 * lets the sender recognise its own announces when multicast loops them back.
 *
 * <p>{@link #parse} reads what anyone on the LAN sends, so it trusts nothing: a datagram that is
 * not a well-formed announce with a usable port and at least one valid infohash is refused as a
 * whole ({@link Optional#empty()}), never with an exception.
 *
 * @param port       the announcing peer's BitTorrent port, 1..65535
 * @param infohashes lowercase 40-hex infohashes, without duplicates, in the order sent
 * @param cookie     the sender's cookie, or null when it sent none (or an unusable one)
 */
record LanAnnounce(int port, List<String> infohashes, String cookie) {
    /** BEP 14: an announce naming several torrents should stay within 1400 bytes (no fragmentation). */
    static final int MAX_BYTES = 1400;
    /** Longer datagrams are not announces (some clients may exceed 1400 a little; nobody needs more). */
    static final int MAX_DATAGRAM = 1500;
    /** What {@link #parse} keeps of one announce, whatever it names. */
    static final int MAX_INFOHASHES = 32;
    static final int MAX_COOKIE = 64;

    static final String REQUEST_LINE = "BT-SEARCH * HTTP/1.1";
    private static final String CRLF = "\r\n";
    private static final int INFOHASH_LINE = "Infohash: ".length() + 40 + CRLF.length();

    LanAnnounce {
        infohashes = List.copyOf(infohashes);
    }

    /**
     * The announces that name these torrents: as many infohashes per datagram as fit in
     * {@link #MAX_BYTES}, in the order given.
     *
     * @param host   the {@code Host} header: the multicast group and port sent to, e.g.
     *               {@code 239.192.152.143:6771} or {@code [ff15::efc0:988f]:6771}
     * @param cookie this engine's cookie (printable ASCII, no spaces)
     */
    static List<byte[]> format(String host, int port, List<String> infohashes, String cookie) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        String head = REQUEST_LINE + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF;
        String tail = "cookie: " + cookie + CRLF + CRLF + CRLF;
        int room = (MAX_BYTES - head.length() - tail.length()) / INFOHASH_LINE;
        if (room < 1) {
            throw new IllegalArgumentException("host or cookie too long for an announce");
        }
        List<byte[]> datagrams = new ArrayList<>();
        for (int start = 0; start < infohashes.size(); start += room) {
            StringBuilder message = new StringBuilder(head);
            for (String infohash : infohashes.subList(start, Math.min(infohashes.size(), start + room))) {
                if (!isInfohash(infohash)) {
                    throw new IllegalArgumentException("not an infohash: " + infohash);
                }
                message.append("Infohash: ").append(infohash.toLowerCase(Locale.ROOT)).append(CRLF);
            }
            message.append(tail);
            datagrams.add(message.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return datagrams;
    }

    /**
     * Reads one datagram. Header names are case-insensitive ({@code cookie} is lowercase in
     * BEP 14, the others capitalised), unknown headers are skipped, the {@code Host} header is not
     * checked, and reading stops at the first empty line. Refused: anything longer than
     * {@link #MAX_DATAGRAM} bytes, bytes that are not printable ASCII, another first line, a
     * header line without a colon, a missing, malformed, out-of-range or contradictory
     * {@code Port}, and no valid {@code Infohash} (invalid ones are skipped; at most
     * {@link #MAX_INFOHASHES} are kept).
     */
    static Optional<LanAnnounce> parse(byte[] data, int offset, int length) {
        if (length <= 0 || length > MAX_DATAGRAM || offset < 0 || offset + length > data.length) {
            return Optional.empty();
        }
        for (int i = offset; i < offset + length; i++) {
            int b = data[i];
            if ((b < 0x20 || b > 0x7e) && b != '\r' && b != '\n' && b != '\t') {
                return Optional.empty();
            }
        }
        String text = new String(data, offset, length, StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", -1);
        if (!line(lines[0]).equals(REQUEST_LINE)) {
            return Optional.empty();
        }
        int port = 0;
        String cookie = null;
        Set<String> infohashes = new LinkedHashSet<>();
        for (int i = 1; i < lines.length; i++) {
            String line = line(lines[i]);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "port" -> {
                    int p = port(value);
                    if (p == 0 || (port != 0 && port != p)) {
                        return Optional.empty();
                    }
                    port = p;
                }
                case "infohash" -> {
                    if (isInfohash(value) && infohashes.size() < MAX_INFOHASHES) {
                        infohashes.add(value.toLowerCase(Locale.ROOT));
                    }
                }
                case "cookie" -> cookie = value.isEmpty() || value.length() > MAX_COOKIE ? null : value;
                default -> {
                    // Host, and headers a later client may add: ignored (BEP 14)
                }
            }
        }
        if (port == 0 || infohashes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LanAnnounce(port, new ArrayList<>(infohashes), cookie));
    }

    private static String line(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** A decimal port 1..65535 with nothing else (no sign, no spaces inside); 0 if it is not one. */
    private static int port(String value) {
        if (value.isEmpty() || value.length() > 5) {
            return 0;
        }
        int port = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : 0;
    }

    static boolean isInfohash(String value) {
        if (value.length() != 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
