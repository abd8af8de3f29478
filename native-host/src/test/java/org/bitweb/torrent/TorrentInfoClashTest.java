package org.bitweb.torrent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stranger's torrent may not name one path twice, nor a file that is also another file's folder. */
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
}
