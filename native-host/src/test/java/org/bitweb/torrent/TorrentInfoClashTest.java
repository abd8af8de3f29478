package org.bitweb.torrent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stranger's torrent may not name one path twice, nor a file that is also another file's folder,
 * nor two paths that are one file where case and Unicode normalisation do not count (macOS,
 * Windows), nor names with control or format characters that make one name look like another.
 */
class TorrentInfoClashTest {
    private static byte[] info(List<List<String>> paths) {
        List<Object> files = new java.util.ArrayList<>();
        for (List<String> path : paths) {
            files.add(Map.of("length", 1L, "path", List.copyOf(path)));
        }
        return Bencode.encode(Map.of("name", "site", "piece length", 16384L, "pieces", new byte[20], "files", files));
    }

    @Test
    void aPathListedTwiceIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(info(List.of(List.of("a"), List.of("a")))));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void aFileThatIsAlsoAFolderIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorrentInfo.parseInfo(info(List.of(List.of("a"), List.of("a", "b")))));
        assertTrue(e.getMessage().contains("both a file and a folder"), e.getMessage());
    }

    @Test
    void siblingsWithSharedPrefixesAreFine() {
        TorrentInfo.parseInfo(info(List.of(List.of("a"), List.of("ab", "c"))));
    }

    @Test
    void pathsThatDifferOnlyInCaseAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorrentInfo.parseInfo(info(List.of(List.of("Index.html"), List.of("index.html")))));
        assertTrue(e.getMessage().contains("'Index.html' and 'index.html'"), e.getMessage());
    }

    @Test
    void pathsThatDifferOnlyInUnicodeFormAreRefused() {
        String composed = "caf\u00e9.html";
        String decomposed = "cafe\u0301.html";
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorrentInfo.parseInfo(info(List.of(List.of(composed), List.of(decomposed)))));
        assertTrue(e.getMessage().contains("normalisation"), e.getMessage());
    }

    @Test
    void aFileThatIsAnotherFilesFolderInAnotherCaseIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TorrentInfo.parseInfo(info(List.of(List.of("Docs"), List.of("docs", "a.html")))));
        assertTrue(e.getMessage().contains("both a file and a folder"), e.getMessage());
    }

    @Test
    void formatAndC1ControlCharactersInNamesAreRefused() {
        for (String name : List.of("gpj.\u202eexe.html", "in\u200bdex.html", "\ufeffindex.html", "a\u0085b", "x\u2066y")) {
            var e = assertThrows(IllegalArgumentException.class, () -> TorrentInfo.parseInfo(info(List.of(List.of(name)))),
                    () -> "accepted " + name.codePoints().mapToObj(c -> String.format("U+%04X", c)).toList());
            assertTrue(e.getMessage().contains("unsafe torrent path element"), e.getMessage());
        }
    }

    @Test
    void ordinaryUnicodeNamesAreFine() {
        TorrentInfo.parseInfo(info(List.of(List.of("caf\u00e9.html"), List.of("\u65e5\u672c", "\u0645\u0631\u062d\u0628\u0627.html"),
                List.of("\ud83d\ude00.png"))));
    }
}
