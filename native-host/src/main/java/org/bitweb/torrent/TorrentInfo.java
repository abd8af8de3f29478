package org.bitweb.torrent;

import org.bitweb.address.Hex;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A validated v1 torrent. Torrents come from strangers, so everything a file name or size could
 * abuse is checked here, once: path traversal ({@code ..}, separators, NUL), absurd sizes and
 * counts, and a piece table that does not match the files.
 *
 * @param infohash    SHA-1 of the raw info dictionary, 40 lowercase hex
 * @param name        the torrent's name: the folder the files live in
 * @param pieceLength bytes per piece
 * @param pieces      the concatenated SHA-1 piece hashes
 * @param files       the files in torrent order, each with its offset in the torrent's byte stream
 * @param multiFile   false for a single-file torrent, whose only file is {@code name}
 */
public record TorrentInfo(String infohash, String name, int pieceLength, byte[] pieces,
                          List<TorrentFile> files, boolean multiFile) {

    /** Metadata above this is refused (BEP 9 peers send it in 16 KiB blocks; 8 MiB is ~400k pieces). */
    public static final int MAX_METADATA = 8 * 1024 * 1024;
    public static final int MAX_FILES = 100_000;
    public static final int MAX_PATH_DEPTH = 32;

    /**
     * @param path   relative path segments, each checked safe
     * @param length bytes
     * @param offset position of the first byte in the torrent's concatenated data
     * @param pad    a BEP 47 pad file (attribute {@code p}): zeros that align the next file to a
     *               piece, never stored on disk and never served
     */
    public record TorrentFile(List<String> path, long length, long offset, boolean pad) {
        public TorrentFile {
            path = List.copyOf(path);
        }

        public TorrentFile(List<String> path, long length, long offset) {
            this(path, length, offset, false);
        }

        /** '/'-joined path, as the gateway addresses files. */
        public String joined() {
            return String.join("/", path);
        }
    }

    public TorrentInfo {
        files = List.copyOf(files);
    }

    /** The files a site is made of: every file but the pad files. */
    public List<TorrentFile> contentFiles() {
        return files.stream().filter(f -> !f.pad()).toList();
    }

    /** Bytes of the site's own files, without padding: what it takes on disk. */
    public long contentSize() {
        return files.stream().filter(f -> !f.pad()).mapToLong(TorrentFile::length).sum();
    }

    public long totalSize() {
        if (files.isEmpty()) {
            return 0;
        }
        TorrentFile last = files.get(files.size() - 1);
        return last.offset() + last.length();
    }

    public int pieceCount() {
        return pieces.length / 20;
    }

    public byte[] pieceHash(int index) {
        byte[] hash = new byte[20];
        System.arraycopy(pieces, index * 20, hash, 0, 20);
        return hash;
    }

    /** Parses a .torrent file (a dictionary with an {@code info} key). */
    public static TorrentInfo parseTorrent(byte[] torrent) {
        if (torrent.length > MAX_METADATA + 64 * 1024) {
            throw new IllegalArgumentException("torrent of " + torrent.length + " bytes is over the limit");
        }
        byte[] info = Bencode.rawValue(torrent, "info");
        if (info == null) {
            throw new IllegalArgumentException("not a torrent: no 'info' dictionary");
        }
        return parseInfo(info);
    }

    /** Parses the raw bencoded info dictionary (what BEP 9 metadata exchange delivers). */
    @SuppressWarnings("unchecked")
    public static TorrentInfo parseInfo(byte[] info) {
        if (info.length > MAX_METADATA) {
            throw new IllegalArgumentException("torrent metadata of " + info.length + " bytes is over the limit of " + MAX_METADATA);
        }
        Object decoded = Bencode.decode(info);
        if (!(decoded instanceof Map)) {
            throw new IllegalArgumentException("torrent info is not a dictionary");
        }
        Map<String, Object> map = (Map<String, Object>) decoded;
        String name = segment(bytes(map, "name"), "name");
        long pieceLength = number(map, "piece length");
        if (pieceLength < 16 * 1024 || pieceLength > 64 * 1024 * 1024 || Long.bitCount(pieceLength) != 1) {
            throw new IllegalArgumentException("torrent piece length " + pieceLength + " is not a power of two from 16 KiB to 64 MiB");
        }
        byte[] pieces = bytes(map, "pieces");
        if (pieces.length % 20 != 0) {
            throw new IllegalArgumentException("torrent piece table is not a multiple of 20 bytes");
        }
        java.util.Set<String> paths = new java.util.HashSet<>();
        // each path under the name it has on a file system that ignores case and normalises Unicode
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        List<TorrentFile> files = new ArrayList<>();
        boolean multi = map.containsKey("files");
        long offset = 0;
        if (multi) {
            if (!(map.get("files") instanceof List<?> list)) {
                throw new IllegalArgumentException("torrent 'files' is not a list");
            }
            if (list.size() > MAX_FILES) {
                throw new IllegalArgumentException("torrent has " + list.size() + " files, over the limit of " + MAX_FILES);
            }
            for (Object item : list) {
                if (!(item instanceof Map)) {
                    throw new IllegalArgumentException("torrent file entry is not a dictionary");
                }
                Map<String, Object> file = (Map<String, Object>) item;
                long length = length(file);
                if (!(file.get("path") instanceof List<?> parts) || parts.isEmpty() || parts.size() > MAX_PATH_DEPTH) {
                    throw new IllegalArgumentException("torrent file path must be a list of 1 to " + MAX_PATH_DEPTH + " names");
                }
                List<String> path = new ArrayList<>();
                for (Object part : parts) {
                    if (!(part instanceof byte[] b)) {
                        throw new IllegalArgumentException("torrent file path element is not a string");
                    }
                    path.add(segment(b, "path element"));
                }
                // pad files are never on disk, so several may share a name (".pad/16384")
                boolean pad = file.get("attr") instanceof byte[] attr && contains(attr, (byte) 'p');
                String joined = String.join("/", path);
                if (!pad) {
                    String earlier = seen.putIfAbsent(clashKey(joined), joined);
                    if (earlier != null) {
                        throw new IllegalArgumentException(earlier.equals(joined)
                                ? "torrent lists the file '" + joined + "' twice"
                                : "torrent has the files '" + earlier + "' and '" + joined
                                        + "', which are one file where case or Unicode normalisation does not count (macOS, Windows)");
                    }
                    paths.add(joined);
                }
                files.add(new TorrentFile(path, length, offset, pad));
                if (length > Long.MAX_VALUE - offset) {
                    throw new IllegalArgumentException("torrent file lengths add up past " + Long.MAX_VALUE + " bytes");
                }
                offset += length;
            }
        } else {
            long length = length(map);
            files.add(new TorrentFile(List.of(name), length, 0));
            offset = length;
        }
        if (multi) {
            // a file may not also be a folder of another file ("a" and "a/b"): one would hide the other on disk
            for (String p : paths) {
                for (int slash = p.indexOf('/'); slash > 0; slash = p.indexOf('/', slash + 1)) {
                    String file = seen.get(clashKey(p.substring(0, slash)));
                    if (file != null) {
                        throw new IllegalArgumentException("torrent has both a file and a folder named '" + file + "'");
                    }
                }
            }
        }
        long expectedPieces = offset / pieceLength + (offset % pieceLength == 0 ? 0 : 1);
        if (pieces.length / 20 != expectedPieces) {
            throw new IllegalArgumentException("torrent has " + pieces.length / 20 + " piece hashes for "
                    + offset + " bytes; expected " + expectedPieces);
        }
        return new TorrentInfo(Hex.encode(sha1(info)), name, (int) pieceLength, pieces,
                Collections.unmodifiableList(files), multi);
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }

    private static long length(Map<String, Object> map) {
        long length = number(map, "length");
        if (length < 0) {
            throw new IllegalArgumentException("torrent file length is negative: " + length);
        }
        return length;
    }

    private static long number(Map<String, Object> map, String key) {
        if (!(map.get(key) instanceof Long value)) {
            throw new IllegalArgumentException("torrent '" + key + "' is missing or not an integer");
        }
        return value;
    }

    private static byte[] bytes(Map<String, Object> map, String key) {
        if (!(map.get(key) instanceof byte[] value)) {
            throw new IllegalArgumentException("torrent '" + key + "' is missing or not a string");
        }
        return value;
    }

    /**
     * A path as a file system that ignores case and normalises Unicode names sees it (macOS, Windows):
     * two paths with one key would be one file there, each version overwriting the other.
     */
    static String clashKey(String path) {
        return java.text.Normalizer.normalize(path, java.text.Normalizer.Form.NFC).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * One file or folder name: UTF-8, not empty, not . or .., no separators, control or format
     * characters (a right-to-left override or a zero-width space would make a name look like
     * another one).
     */
    public static String checkName(byte[] raw, String what) {
        return segment(raw, what);
    }

    static String segment(byte[] raw, String what) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("torrent " + what + " is not UTF-8");
        }
        // bt trims spaces and trailing dots when it maps names to disk, so such a name would land
        // on another file than the one the gateway reads: refuse it
        if (s.isEmpty() || s.length() > 255 || !s.equals(s.trim()) || s.endsWith(".")) {
            throw new IllegalArgumentException("unsafe torrent " + what + ": '" + s + "'");
        }
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int type = Character.getType(c);
            if (c == '/' || c == '\\' || c == ':' || type == Character.CONTROL || type == Character.FORMAT) {
                throw new IllegalArgumentException("unsafe torrent " + what + ": '"
                        + s.replaceAll("[\\p{Cc}\\p{Cf}]", "?") + "' (character U+"
                        + String.format("%04X", c) + ")");
            }
            i += Character.charCount(c);
        }
        return s;
    }

    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
