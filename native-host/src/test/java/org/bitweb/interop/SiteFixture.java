package org.bitweb.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Site folders for interop tests, and the byte-for-byte comparison of a download with its source. */
public final class SiteFixture {
    private SiteFixture() {
    }

    /**
     * A small website with the shapes that trip clients up: nested folders, a file of a few MB
     * that is not a multiple of the piece size, files smaller than a piece that share pieces
     * with their neighbours, an empty file, and a non-ASCII (UTF-8) name.
     */
    public static Path makeSite(Path parent, String name, long seed) throws IOException {
        Path site = parent.resolve(name);
        Random random = new Random(seed);
        write(site.resolve("index.html"), ("<!doctype html><title>interop</title><h1>BitWeb interop " + seed
                + "</h1><a href=\"docs/guide/intro.html\">guide</a>\n").getBytes(StandardCharsets.UTF_8));
        write(site.resolve("css/site.css"), "body { font-family: sans-serif }\n".getBytes(StandardCharsets.UTF_8));
        write(site.resolve("docs/guide/intro.html"), text(random, 7_000));
        write(site.resolve("docs/guide/caf\u00e9 notes.txt"), text(random, 1_234));
        write(site.resolve("docs/empty.txt"), new byte[0]);
        write(site.resolve("img/logo.png"), bytes(random, 45_678));
        write(site.resolve("media/video/clip.bin"), bytes(random, 3 * 1024 * 1024 + 12_345));
        return site;
    }

    /** A folder of {@code total} random bytes in a few files (for throughput runs). */
    public static Path makeBulkSite(Path parent, String name, long total, long seed) throws IOException {
        Path site = parent.resolve(name);
        Random random = new Random(seed);
        write(site.resolve("index.html"), "<!doctype html><title>bulk</title>\n".getBytes(StandardCharsets.UTF_8));
        long left = total;
        int n = 0;
        byte[] block = new byte[1 << 20];
        while (left > 0) {
            long size = Math.min(left, 64L << 20);
            Path file = site.resolve("data/part" + (n++) + ".bin");
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                for (long done = 0; done < size; done += block.length) {
                    random.nextBytes(block);
                    out.write(block, 0, (int) Math.min(block.length, size - done));
                }
            }
            left -= size;
        }
        return site;
    }

    /** Known client quirks a comparison may tolerate. */
    public enum Leniency {
        /**
         * {@code actual} may also hold BEP 47 pad files ({@code .pad/<n>}, as libtorrent 2 puts
         * into hybrid torrents and BitWeb between files), which must then be all zeros: bt 1.10
         * and Debian's aria2 and Transmission do not know pad files and write them out as files.
         */
        PAD_FILES_WRITTEN,
        /** Empty files may be missing: Transmission 3 does not create zero-length files. */
        EMPTY_FILES_NOT_CREATED
    }

    /**
     * Fails unless {@code actual} holds exactly the files of {@code expected}, with the same bytes,
     * but for the quirks given.
     *
     * @return the number of pad files found
     */
    public static int assertSameTree(Path expected, Path actual, Leniency... leniencies) throws IOException {
        java.util.Set<Leniency> lenient = leniencies.length == 0 ? java.util.EnumSet.noneOf(Leniency.class)
                : java.util.EnumSet.copyOf(Arrays.asList(leniencies));
        TreeMap<String, Path> want = files(expected);
        TreeMap<String, Path> got = files(actual);
        if (lenient.contains(Leniency.EMPTY_FILES_NOT_CREATED)) {
            for (var it = want.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (Files.size(entry.getValue()) == 0 && !got.containsKey(entry.getKey())) {
                    it.remove();
                }
            }
        }
        int pads = 0;
        if (lenient.contains(Leniency.PAD_FILES_WRITTEN)) {
            for (var it = got.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (entry.getKey().startsWith(".pad/") && !want.containsKey(entry.getKey())) {
                    byte[] content = Files.readAllBytes(entry.getValue());
                    for (byte b : content) {
                        if (b != 0) {
                            fail("pad file " + entry.getKey() + " is not all zeros");
                        }
                    }
                    pads++;
                    it.remove();
                }
            }
        }
        assertEquals(want.keySet(), got.keySet(), "the downloaded files differ from the published ones (" + actual + ")");
        List<String> differ = new ArrayList<>();
        for (String rel : want.keySet()) {
            if (Files.size(want.get(rel)) != Files.size(got.get(rel)) || Files.mismatch(want.get(rel), got.get(rel)) != -1) {
                differ.add(rel + " (" + Files.size(want.get(rel)) + " vs " + Files.size(got.get(rel)) + " bytes)");
            }
        }
        if (!differ.isEmpty()) {
            fail("downloaded files differ in content: " + differ);
        }
        return pads;
    }

    private static TreeMap<String, Path> files(Path root) throws IOException {
        TreeMap<String, Path> map = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            fail("no folder " + root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> map.put(root.relativize(p).toString(), p));
        }
        return map;
    }

    private static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] text(Random random, int n) {
        byte[] b = new byte[n];
        byte[] alphabet = "abcdefghijklmnopqrstuvwxyz \n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            b[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return Arrays.copyOf(b, n);
    }
}
