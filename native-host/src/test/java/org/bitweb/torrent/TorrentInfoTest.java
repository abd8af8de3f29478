package org.bitweb.torrent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Torrents come from strangers: every way a name or a size could reach outside the site's folder,
 * or make us allocate or loop without bound, is refused here with an IllegalArgumentException.
 */
class TorrentInfoTest {
    static final int PIECE = 16 * 1024;

    /** A valid two-file info dictionary: a.txt (10 bytes) and dir/b.txt (5 bytes), one piece. */
    static Map<String, Object> validInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        List<Object> files = new ArrayList<>();
        files.add(file(10, "a.txt"));
        files.add(file(5, "dir", "b.txt"));
        info.put("files", files);
        info.put("name", "site");
        info.put("piece length", (long) PIECE);
        info.put("pieces", new byte[20]);
        return info;
    }

    static Map<String, Object> file(long length, Object... path) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("length", length);
        f.put("path", new ArrayList<>(List.of(path)));
        return f;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstFile(Map<String, Object> info) {
        return (Map<String, Object>) ((List<Object>) info.get("files")).get(0);
    }

    static IllegalArgumentException refused(Consumer<Map<String, Object>> change) {
        Map<String, Object> info = validInfo();
        change.accept(info);
        byte[] bytes = Bencode.encode(info);
        return assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(bytes));
    }

    @Test
    void aValidInfoDictionaryIsReadWithOffsetsAndTheInfohashOfItsExactBytes() throws Exception {
        byte[] bytes = Bencode.encode(validInfo());
        TorrentInfo info = TorrentInfo.parseInfo(bytes);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)), info.infohash());
        assertEquals("site", info.name());
        assertEquals(PIECE, info.pieceLength());
        assertTrue(info.multiFile());
        assertEquals(List.of("a.txt", "dir/b.txt"), info.files().stream().map(TorrentInfo.TorrentFile::joined).toList());
        assertEquals(List.of(0L, 10L), info.files().stream().map(TorrentInfo.TorrentFile::offset).toList());
        assertEquals(15, info.totalSize());
        assertEquals(1, info.pieceCount());
    }

    /** BEP 47: files with attribute "p" are padding; several may share libtorrent's name ".pad/<n>". */
    @Test
    void padFilesAreReadAsPaddingAndMayShareTheirName() {
        Map<String, Object> info = validInfo();
        @SuppressWarnings("unchecked")
        List<Object> files = (List<Object>) info.get("files");
        Map<String, Object> pad = file(PIECE - 10, ".pad", Long.toString(PIECE - 10));
        pad.put("attr", "p");
        Map<String, Object> samePad = file(PIECE - 5, ".pad", Long.toString(PIECE - 10));
        samePad.put("attr", "px");
        files.add(1, pad);
        files.add(samePad);
        files.add(file(1, "c.txt"));
        info.put("pieces", new byte[3 * 20]);
        TorrentInfo parsed = TorrentInfo.parseInfo(Bencode.encode(info));
        assertEquals(List.of(false, true, false, true, false), parsed.files().stream().map(TorrentInfo.TorrentFile::pad).toList());
        assertEquals(List.of(0L, 10L, (long) PIECE, PIECE + 5L, 2L * PIECE),
                parsed.files().stream().map(TorrentInfo.TorrentFile::offset).toList());
        assertEquals(List.of("a.txt", "dir/b.txt", "c.txt"), parsed.contentFiles().stream().map(TorrentInfo.TorrentFile::joined).toList());
        assertEquals(16, parsed.contentSize());
        assertEquals(2L * PIECE + 1, parsed.totalSize());
    }

    @Test
    void aRealFileListedTwiceIsStillRefused() {
        IllegalArgumentException e = refused(info -> {
            @SuppressWarnings("unchecked")
            List<Object> files = (List<Object>) info.get("files");
            files.add(file(0, "a.txt"));
        });
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void aSingleFileTorrentIsOneFileNamedAfterTheTorrent() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", 3L);
        info.put("name", "page.html");
        info.put("piece length", (long) PIECE);
        info.put("pieces", new byte[20]);
        TorrentInfo parsed = TorrentInfo.parseInfo(Bencode.encode(info));
        assertFalse(parsed.multiFile());
        assertEquals(List.of("page.html"), parsed.files().get(0).path());
        assertEquals(3, parsed.totalSize());
    }

    @Test
    void parseTorrentReadsTheInfoDictionaryOfATorrentFile() {
        Map<String, Object> torrent = new LinkedHashMap<>();
        torrent.put("announce", "http://tracker.invalid/");
        torrent.put("info", validInfo());
        TorrentInfo info = TorrentInfo.parseTorrent(Bencode.encode(torrent));
        assertEquals(TorrentInfo.parseInfo(Bencode.encode(validInfo())).infohash(), info.infohash());
        assertThrows(IllegalArgumentException.class,
                () -> TorrentInfo.parseTorrent(Bencode.encode(Map.of("announce", "x"))));
    }

    @Test
    void dotDotInAPathIsRefused() {
        IllegalArgumentException e = refused(info -> firstFile(info).put("path", List.of("..", "etc", "passwd")));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        refused(info -> firstFile(info).put("path", List.of("dir", "..", "..", "x")));
        refused(info -> firstFile(info).put("path", List.of(".")));
    }

    @Test
    void aSeparatorInsideAPathElementIsRefused() {
        refused(info -> firstFile(info).put("path", List.of("a/../../b")));
        refused(info -> firstFile(info).put("path", List.of("/etc/passwd")));
        refused(info -> firstFile(info).put("path", List.of("a\\..\\b")));
        refused(info -> firstFile(info).put("path", List.of("C:evil")));
    }

    @Test
    void controlCharactersAndNulAreRefused() {
        refused(info -> firstFile(info).put("path", List.of("a\u0000.txt")));
        refused(info -> firstFile(info).put("path", List.of("a\n.txt")));
        refused(info -> firstFile(info).put("path", List.of("a\u007f.txt")));
    }

    @Test
    void anEmptyPathOrEmptyNameIsRefused() {
        refused(info -> firstFile(info).put("path", List.of()));
        refused(info -> firstFile(info).put("path", List.of("")));
        refused(info -> firstFile(info).put("path", List.of("dir", "")));
        refused(info -> info.put("name", ""));
    }

    @Test
    void anUnsafeTorrentNameIsRefused() {
        refused(info -> info.put("name", ".."));
        refused(info -> info.put("name", "a/b"));
    }

    @Test
    void aNameThatIsNotUtf8IsRefused() {
        refused(info -> info.put("name", new byte[] {'a', (byte) 0xff, 'b'}));
        refused(info -> firstFile(info).put("path", List.of(new byte[] {(byte) 0xc3, '('})));
    }

    @Test
    void aPathDeeperThanTheLimitIsRefused() {
        List<Object> deep = new ArrayList<>();
        for (int i = 0; i <= TorrentInfo.MAX_PATH_DEPTH; i++) {
            deep.add("d");
        }
        refused(info -> firstFile(info).put("path", deep));
    }

    @Test
    void wrongTypesAreRefused() {
        refused(info -> info.put("files", "not a list"));
        refused(info -> ((List<Object>) info.get("files")).set(0, "not a dictionary"));
        refused(info -> firstFile(info).put("path", List.of(7L)));
        refused(info -> firstFile(info).put("path", "a.txt"));
        refused(info -> firstFile(info).remove("length"));
        refused(info -> firstFile(info).put("length", "10"));
        refused(info -> info.remove("name"));
        refused(info -> info.remove("pieces"));
        refused(info -> info.remove("piece length"));
        assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(Bencode.encode(List.of())));
    }

    @Test
    void aNegativeLengthIsRefused() {
        IllegalArgumentException e = refused(info -> firstFile(info).put("length", -10L));
        assertTrue(e.getMessage().contains("-10"), e.getMessage());
    }

    @Test
    void lengthsThatAddUpPastTheLargestLongAreRefused() {
        refused(info -> {
            ((List<Object>) info.get("files")).set(0, file(Long.MAX_VALUE, "a"));
            ((List<Object>) info.get("files")).set(1, file(Long.MAX_VALUE, "b"));
        });
        refused(info -> info.put("files", List.of(file(Long.MAX_VALUE, "a"))));
    }

    @Test
    void aPieceTableThatDoesNotMatchTheFilesIsRefused() {
        refused(info -> info.put("pieces", new byte[40]));   // two hashes for 15 bytes
        refused(info -> info.put("pieces", new byte[0]));    // none for 15 bytes
        refused(info -> info.put("pieces", new byte[19]));   // not whole hashes
        refused(info -> ((List<Object>) info.get("files")).set(0, file(PIECE * 3L, "a.txt")));
    }

    @Test
    void aPieceLengthThatIsNotAPowerOfTwoInRangeIsRefused() {
        for (long bad : new long[] {0, -PIECE, 3 * PIECE, PIECE / 2, 128L * 1024 * 1024, PIECE + 1}) {
            IllegalArgumentException e = refused(info -> info.put("piece length", bad));
            assertTrue(e.getMessage().contains(Long.toString(bad)), e.getMessage());
        }
        Map<String, Object> max = validInfo();
        max.put("piece length", 64L * 1024 * 1024);
        TorrentInfo.parseInfo(Bencode.encode(max));
    }

    @Test
    void hugeMetadataIsRefusedBeforeItIsDecoded() {
        byte[] huge = new byte[TorrentInfo.MAX_METADATA + 1]; // zeros: not even bencode
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(huge));
        assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
        byte[] hugeTorrent = new byte[TorrentInfo.MAX_METADATA + 64 * 1024 + 1];
        assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseTorrent(hugeTorrent));
    }

    @Test
    void aStringLengthThatLiesIsRefused() {
        byte[] lie = "d4:name9999999999:site".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(lie));
    }

    @Test
    void tooManyFilesAreRefused() {
        List<Object> files = new ArrayList<>();
        for (int i = 0; i <= TorrentInfo.MAX_FILES; i++) {
            files.add(file(0, "f" + i));
        }
        IllegalArgumentException e = refused(info -> {
            info.put("files", files);
            info.put("pieces", new byte[0]);
        });
        assertTrue(e.getMessage().contains(Integer.toString(TorrentInfo.MAX_FILES + 1)), e.getMessage());
    }
}
