package org.bitweb.fetch;

import org.bitweb.address.Hex;
import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.gateway.SiteSource;
import org.bitweb.gateway.SiteSource.Demand;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile page can make the engine do by embedding resources of made-up sites (issue 12):
 * a bounded number of lookups at once, none left behind, nothing on disk.
 */
@Timeout(120)
class LookupLimitsTest {
    private static final RemoteSites.Limits LIMITS = RemoteSites.Limits.DEFAULTS;
    @TempDir
    Path temp;
    private Engine engine;
    private final Random random = new Random(12);

    @BeforeEach
    void start() throws IOException {
        engine = Engine.start(new StateDir(temp.resolve("state")), new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private SiteAddress madeUp() {
        byte[] ih = new byte[20];
        random.nextBytes(ih);
        return new SiteAddress(SiteAddress.Kind.INFOHASH, Hex.encode(ih));
    }

    private SiteSource.Lookup ask(SiteAddress site, Demand demand) {
        return engine.fetch(site, List.of(), Duration.ZERO, demand);
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private long folders() throws IOException {
        Path sites = temp.resolve("state/sites");
        if (!Files.exists(sites)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(sites)) {
            return list.count();
        }
    }

    @Test
    void threeHundredEmbeddedMadeUpSitesKeepAHandfulOfLookupsAndNoFolders() throws IOException {
        int before = threads();
        for (int i = 0; i < 300; i++) {
            assertInstanceOf(SiteSource.Lookup.Loading.class, ask(madeUp(), Demand.EMBED));
        }
        assertEquals(LIMITS.embedLookups(), engine.fetches().count(), "the newest embedded lookups, no more");
        // before the limits: about two threads per lookup, 600 here
        int grown = threads() - before;
        assertTrue(grown < 4 * LIMITS.embedLookups() + 10, "threads grew by " + grown);
        assertEquals(0, folders(), "a lookup that found nothing leaves nothing on disk");
    }

    @Test
    void aTabOpeningASiteGetsInWhileEmbedsFillTheirShare() {
        for (int i = 0; i < 50; i++) {
            ask(madeUp(), Demand.EMBED);
        }
        SiteAddress visited = madeUp();
        assertInstanceOf(SiteSource.Lookup.Loading.class, ask(visited, Demand.VISIT));
        assertEquals(LIMITS.embedLookups() + 1, engine.fetches().count());
        for (int i = 0; i < 50; i++) {
            ask(madeUp(), Demand.EMBED);
        }
        assertTrue(engine.fetches().get(visited.hex()).isPresent(), "embeds never push out a tab's site");
    }

    @Test
    void whenEveryLookupIsATabsAnEmbedIsRefusedSayingWhatToDoAndANavigationReplacesTheOldest() {
        SiteAddress oldest = madeUp();
        ask(oldest, Demand.VISIT);
        for (int i = 1; i < LIMITS.lookups(); i++) {
            ask(madeUp(), Demand.VISIT);
        }
        assertEquals(LIMITS.lookups(), engine.fetches().count());

        SiteSource.Lookup refused = ask(madeUp(), Demand.EMBED);
        SiteSource.Lookup.Unknown unknown = assertInstanceOf(SiteSource.Lookup.Unknown.class, refused);
        assertTrue(unknown.reason().contains("Close pages you do not need"), unknown.reason());
        assertEquals(LIMITS.lookups(), engine.fetches().count());

        assertInstanceOf(SiteSource.Lookup.Loading.class, ask(madeUp(), Demand.VISIT));
        assertEquals(LIMITS.lookups(), engine.fetches().count());
        assertFalse(engine.fetches().get(oldest.hex()).isPresent(), "the least recently asked gave way");
    }

    @Test
    void lookupsNobodyAsksForAreDroppedWithTheFoldersAnOlderEngineLeft() throws IOException {
        SiteAddress leftover = madeUp();
        Files.createDirectories(temp.resolve("state/sites").resolve(leftover.hex()).resolve("data"));
        ask(leftover, Demand.VISIT);
        SiteAddress still = madeUp();
        ask(still, Demand.VISIT);
        long now = System.currentTimeMillis();
        assertEquals(0, engine.fetches().sweep(now), "asked just now: kept");

        assertEquals(2, engine.fetches().sweep(now + LIMITS.unasked().toMillis() + 1_000));
        assertEquals(0, engine.fetches().count());
        assertEquals(0, folders(), "nothing of either lookup stays on disk");
    }
}
