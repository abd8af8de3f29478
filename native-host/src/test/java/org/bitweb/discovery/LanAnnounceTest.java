package org.bitweb.discovery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BEP 14 announce: what we send, byte for byte, and what we accept from a LAN we do not trust. */
class LanAnnounceTest {
    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "fedcba9876543210fedcba9876543210fedcba98";
    private static final String HOST = "239.192.152.143:6771";

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Optional<LanAnnounce> parse(String text) {
        byte[] bytes = ascii(text);
        return LanAnnounce.parse(bytes, 0, bytes.length);
    }

    @Test
    void formatsTheAnnounceOfBep14() {
        List<byte[]> datagrams = LanAnnounce.format(HOST, 47801, List.of(A, B.toUpperCase()), "1a2b3c4d");
        assertEquals(1, datagrams.size());
        assertEquals("BT-SEARCH * HTTP/1.1\r\n"
                + "Host: 239.192.152.143:6771\r\n"
                + "Port: 47801\r\n"
                + "Infohash: 0123456789abcdef0123456789abcdef01234567\r\n"
                + "Infohash: fedcba9876543210fedcba9876543210fedcba98\r\n"
                + "cookie: 1a2b3c4d\r\n"
                + "\r\n"
                + "\r\n", new String(datagrams.get(0), StandardCharsets.US_ASCII));
    }

    @Test
    void formatsTheIpv6Host() {
        byte[] datagram = LanAnnounce.format("[ff15::efc0:988f]:6771", 1, List.of(A), "c").get(0);
        assertTrue(new String(datagram, StandardCharsets.US_ASCII).startsWith(
                "BT-SEARCH * HTTP/1.1\r\nHost: [ff15::efc0:988f]:6771\r\nPort: 1\r\n"));
    }

    @Test
    void manyTorrentsAreSplitIntoDatagramsOfAtMost1400Bytes() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(String.format("%040x", i));
        }
        List<byte[]> datagrams = LanAnnounce.format(HOST, 65535, many, "ffffffff");
        List<String> back = new ArrayList<>();
        for (byte[] datagram : datagrams) {
            assertTrue(datagram.length <= LanAnnounce.MAX_BYTES, datagram.length + " bytes");
            LanAnnounce announce = LanAnnounce.parse(datagram, 0, datagram.length).orElseThrow();
            assertEquals(65535, announce.port());
            assertEquals("ffffffff", announce.cookie());
            back.addAll(announce.infohashes());
        }
        assertEquals(many, back, "every torrent once, in order");
        assertEquals(4, datagrams.size(), "as few datagrams as fit: 25 infohashes each");
    }

    @Test
    void refusesToFormatWhatIsNotAnInfohashOrAPort() {
        assertThrows(IllegalArgumentException.class, () -> LanAnnounce.format(HOST, 1, List.of("xyz"), "c"));
        assertThrows(IllegalArgumentException.class, () -> LanAnnounce.format(HOST, 0, List.of(A), "c"));
        assertThrows(IllegalArgumentException.class, () -> LanAnnounce.format(HOST, 65536, List.of(A), "c"));
    }

    @Test
    void parsesAnnouncesOfOtherClients() {
        // libtorrent's form: one infohash, uppercase-free hex, a hex cookie
        LanAnnounce libtorrent = parse("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n"
                + "Infohash: " + A + "\r\ncookie: 5f2e\r\n\r\n\r\n").orElseThrow();
        assertEquals(new LanAnnounce(6881, List.of(A), "5f2e"), libtorrent);
        // headers in any case and order, extra headers, bare \n, no cookie, no trailing blank line
        LanAnnounce loose = parse("BT-SEARCH * HTTP/1.1\nINFOHASH: " + B.toUpperCase() + "\nX-Other: 1\nport:  80 \n")
                .orElseThrow();
        assertEquals(new LanAnnounce(80, List.of(B), null), loose);
        // an invalid infohash next to a valid one is skipped; duplicates count once
        LanAnnounce mixed = parse("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: " + A + "\r\nInfohash: nothex"
                + "\r\nInfohash: " + A.substring(1) + "g\r\nInfohash: " + A + "\r\nInfohash: " + B + "\r\n\r\n").orElseThrow();
        assertEquals(List.of(A, B), mixed.infohashes());
        // what follows the empty line is not read
        LanAnnounce ended = parse("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: " + A + "\r\n\r\nInfohash: " + B + "\r\n")
                .orElseThrow();
        assertEquals(List.of(A), ended.infohashes());
    }

    @Test
    void refusesWhatIsNotAUsableAnnounce() {
        String ok = "\r\nInfohash: " + A + "\r\n\r\n\r\n";
        List<String> bad = List.of(
                "",
                "\r\n\r\n",
                "GET / HTTP/1.1\r\nPort: 1" + ok,
                "bt-search * HTTP/1.1\r\nPort: 1" + ok,
                "BT-SEARCH * HTTP/1.0\r\nPort: 1" + ok,
                " BT-SEARCH * HTTP/1.1\r\nPort: 1" + ok,
                "BT-SEARCH * HTTP/1.1\r\nInfohash: " + A + "\r\n\r\n",                       // no port
                "BT-SEARCH * HTTP/1.1\r\nPort: 0" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 65536" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 99999999999999999999" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: -1" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: +80" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 0x50" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 6 881" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: " + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nPort: 2" + ok,                            // contradicts itself
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n",                                     // no torrent
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + A.substring(2) + "\r\n\r\n", // short hash
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + A + "00\r\n\r\n",            // long hash
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + A.replace('a', 'z') + "\r\n\r\n",
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nno colon here" + ok,
                "BT-SEARCH * HTTP/1.1\r\n: empty name\r\nPort: 1" + ok,
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\u0000" + ok,                                  // control byte
                "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nX: caf\u00e9" + ok);                     // not ASCII
        for (String text : bad) {
            assertTrue(parse(text).isEmpty(), () -> "accepted: " + text.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    @Test
    void refusesOversizedDatagramsAndBadBounds() {
        String announce = "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + A + "\r\n";
        StringBuilder big = new StringBuilder(announce).append("X-Pad: ");
        while (big.length() < LanAnnounce.MAX_DATAGRAM + 1) {
            big.append('x');
        }
        big.append("\r\n\r\n");
        assertTrue(parse(big.toString()).isEmpty(), "longer than any announce");
        byte[] ok = ascii(announce);
        assertTrue(LanAnnounce.parse(ok, 0, ok.length).isPresent());
        assertTrue(LanAnnounce.parse(ok, 0, ok.length + 1).isEmpty());
        assertTrue(LanAnnounce.parse(ok, -1, ok.length).isEmpty());
        assertTrue(LanAnnounce.parse(ok, 0, 0).isEmpty());
        byte[] padded = new byte[ok.length + 4];
        System.arraycopy(ok, 0, padded, 2, ok.length);
        assertEquals(List.of(A), LanAnnounce.parse(padded, 2, ok.length).orElseThrow().infohashes());
    }

    @Test
    void keepsAtMost32TorrentsAndNoOverlongCookie() {
        StringBuilder text = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n");
        for (int i = 0; i < 40 && text.length() < 1400; i++) {
            text.append("Infohash:").append(String.format("%040x", i)).append("\r\n");
        }
        text.append("cookie: ").append("c".repeat(LanAnnounce.MAX_COOKIE + 1)).append("\r\n\r\n");
        LanAnnounce announce = parse(text.toString()).orElseThrow();
        assertTrue(announce.infohashes().size() <= LanAnnounce.MAX_INFOHASHES);
        assertNull(announce.cookie(), "an overlong cookie is no cookie");
    }

    @Test
    void randomGarbageNeverThrows() {
        Random random = new Random(14);
        String prefix = "BT-SEARCH * HTTP/1.1\r\n";
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[random.nextInt(1600)];
            random.nextBytes(data);
            if (i % 2 == 0) {
                // mostly printable, behind a valid first line, so the header parser is exercised
                String alphabet = " :\r\n0123456789abcdefPortInfohashcookie";
                for (int j = 0; j < data.length; j++) {
                    data[j] = (byte) alphabet.charAt(Math.floorMod(data[j], alphabet.length()));
                }
                byte[] head = ascii(prefix);
                System.arraycopy(head, 0, data, 0, Math.min(head.length, data.length));
            }
            Optional<LanAnnounce> parsed = LanAnnounce.parse(data, 0, data.length);
            parsed.ifPresent(a -> {
                assertTrue(a.port() >= 1 && a.port() <= 65535);
                assertTrue(!a.infohashes().isEmpty() && a.infohashes().stream().allMatch(LanAnnounce::isInfohash));
            });
        }
    }
}
