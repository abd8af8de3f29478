package org.bitweb.site;

import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing into the store: all of a site or none of it, whatever runs at the same time. */
class PublisherTest {
    static final int ROUNDS = Integer.getInteger("publish.race.rounds", 40);

    @TempDir
    Path tmp;

    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    Path makeFolder(String name, long seed) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("src-" + seed).resolve(name));
        Files.writeString(folder.resolve("index.html"), "<h1>" + seed + "</h1>");
        byte[] data = new byte[100_000];
        new Random(seed).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        return folder;
    }

    @Test
    void aPublishedSiteIsItsTorrentAndItsDataUnderItsInfohash() throws IOException {
        StateDir dir = new StateDir(tmp.resolve("home")).create();
        SiteStore store = SiteStore.open(dir);
        Path folder = makeFolder("blog", 1);
        SiteRecord record = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        Path site = dir.site(record.infohash());
        TorrentInfo info = TorrentInfo.parseTorrent(Files.readAllBytes(site.resolve("site.torrent")));
        assertEquals(record.infohash(), info.infohash());
        assertEquals("blog", record.name());
        assertTrue(record.published() && record.seeding());
        assertArrayEquals(Files.readAllBytes(folder.resolve("data.bin")),
                Files.readAllBytes(site.resolve("data/blog/data.bin")));
        assertEquals(List.of(record.infohash()), names(dir.sites()), "nothing else is left in sites/");
        assertEquals(List.of(record), SiteStore.open(dir).list());
    }

    @Test
    void republishingKeepsWhenTheSiteWasFirstAdded() throws Exception {
        StateDir dir = new StateDir(tmp.resolve("home")).create();
        SiteStore store = SiteStore.open(dir);
        Path folder = makeFolder("blog", 2);
        SiteRecord first = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        SiteRecord again = Publisher.publish(dir, store, folder, Publisher.Progress.NONE);
        assertEquals(first, again);
        assertEquals(1, store.list().size());
    }

    @Test
    void aFolderWhoseNameIsNotASafeTorrentNameIsNamedSite() {
        assertEquals("blog", Publisher.siteName(Path.of("/x/blog")));
        assertEquals("site", Publisher.siteName(Path.of("/")));
        assertEquals("site", Publisher.siteName(Path.of("/x/.hidden")));
        assertEquals("site", Publisher.siteName(Path.of("/x/a:b")));
        assertEquals("site", Publisher.siteName(Path.of("/x/" + "n".repeat(201))));
        // names bt would alter on disk, which TorrentInfo refuses
        assertEquals("site", Publisher.siteName(Path.of("/x/My Site.")));
        assertEquals("site", Publisher.siteName(Path.of("/x/ spaced ")));
    }

    @Test
    void cleanStagingRemovesOnlyWhatAKilledPublishLeft() throws IOException {
        StateDir dir = new StateDir(tmp.resolve("home")).create();
        SiteRecord site = Publisher.publish(dir, SiteStore.open(dir), makeFolder("blog", 3), Publisher.Progress.NONE);
        Path leftover = Files.createDirectories(dir.sites().resolve(".staging-1234/data/blog"));
        Files.writeString(leftover.resolve("half.bin"), "half");
        Publisher.cleanStaging(dir);
        assertEquals(List.of(site.infohash()), names(dir.sites()));
    }

    /**
     * Publishes of one folder (a double click, or the CLI and the popup) hash in parallel; a
     * barrier on their last progress report lines them up so they commit at nearly the same time.
     * Both must succeed, and the site must never be deleted once it is in place (the engine seeds
     * it at once). Races are found by chance: four publishers, 40 rounds (-Dpublish.race.rounds=N
     * for more); without the commit lock this failed within 75 rounds in each of three runs.
     */
    @Test
    void concurrentPublishesOfTheSameFolderAllSucceedAndNeverRemoveTheSite() throws Exception {
        StateDir dir = new StateDir(tmp.resolve("home")).create();
        SiteStore store = SiteStore.open(dir);
        int publishers = 4;
        for (int round = 0; round < ROUNDS; round++) {
            Path folder = Files.createDirectories(tmp.resolve("src-" + round).resolve("site"));
            Files.writeString(folder.resolve("data.bin"), "round " + round);
            CyclicBarrier lastReport = new CyclicBarrier(publishers);
            List<Object> results = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            try (var watch = dir.sites().getFileSystem().newWatchService()) {
                dir.sites().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_DELETE);
                for (int i = 0; i < publishers; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            results.add(Publisher.publish(dir, store, folder, (done, total) -> {
                                if (done == total) {
                                    try {
                                        lastReport.await(10, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                }
                            }));
                        } catch (Exception e) {
                            results.add(e);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join(20_000);
                }
                assertEquals(publishers, results.size(), "round " + round + ": " + results);
                assertTrue(results.get(0) instanceof SiteRecord && results.stream().distinct().count() == 1,
                        "round " + round + ": all succeed with the same site: " + results);
                String infohash = ((SiteRecord) results.get(0)).infohash();
                var key = watch.poll();
                if (key != null) {
                    for (var event : key.pollEvents()) {
                        assertTrue(!event.context().toString().equals(infohash),
                                "round " + round + ": the site folder was deleted after it was in place");
                    }
                }
                assertArrayEquals(Files.readAllBytes(folder.resolve("data.bin")),
                        Files.readAllBytes(dir.site(infohash).resolve("data/data.bin") /* one file: bt keeps it at the root */), "round " + round);
            }
        }
        try (Stream<Path> list = Files.list(dir.sites())) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")));
        }
    }
}
