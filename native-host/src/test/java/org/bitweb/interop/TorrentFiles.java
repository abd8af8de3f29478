package org.bitweb.interop;

import org.bitweb.torrent.Bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Torrent file edits for tests. */
public final class TorrentFiles {
    private TorrentFiles() {
    }

    /**
     * The same torrent (same info dictionary byte for byte, so the same infohash) with only an
     * {@code announce} URL around it.
     */
    public static byte[] withAnnounce(byte[] torrent, String announceUrl) {
        byte[] info = Bencode.rawValue(torrent, "info");
        byte[] url = announceUrl.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("d8:announce" + url.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(url);
        out.writeBytes("4:info".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(info);
        out.write('e');
        return out.toByteArray();
    }
}
