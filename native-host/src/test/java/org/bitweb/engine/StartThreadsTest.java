package org.bitweb.engine;

import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starting an engine with many sites makes no thread per site (issue 16, 1,000 seeded sites).
 * bt's verifier made a pool of hashing threads for every site it checked, and bt's client
 * executor started every site on a thread of its own and kept each idle thread a minute. Here
 * 100 tiny sites whose records of verified pieces are gone (so each is hashed) start together:
 * the JVM's peak thread count stays within a few dozen of where it was, and the threads that
 * started the sites are gone within seconds of the last one.
 */
@Timeout(180)
class StartThreadsTest {
    private static final int SITES = 100;
    /** Threads the start may add at its peak: the engine's own (~30), none per site. */
    private static final int MORE_THREADS = 60;

    @TempDir
    Path temp;

    @Test
    void startingManyUnrecordedSitesMakesNoThreadPerSite() throws Exception {
        StateDir state = new StateDir(temp.resolve("engine"));
        List<String> sites = new ArrayList<>();
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            for (int i = 0; i < SITES; i++) {
                Path folder = Files.createDirectories(temp.resolve("site-" + i));
                Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
                sites.add(engine.publish(folder, Publisher.Progress.NONE).address());
            }
        }
        for (String ih : sites) {
            Files.delete(state.site(ih).resolve("resume.json")); // bt checks each by hashing it
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Await.until("the first engine's threads are gone", Duration.ofSeconds(30), () -> executorThreads() == 0);
        int before = threads.getThreadCount();
        threads.resetPeakThreadCount();
        try (Engine engine = Engine.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            for (String ih : sites) {
                Await.until(ih + " checked", Duration.ofSeconds(60), () -> engine.piecesHashedAtStart(ih) > 0);
            }
            int peak = threads.getPeakThreadCount();
            assertTrue(peak - before <= MORE_THREADS, "at most " + MORE_THREADS + " more threads at the peak: "
                    + before + " before, " + peak + " at the peak");
            // bt's own pool kept them a minute; ours lets them go after 5 s idle
            Await.until("the threads that started the sites are gone", Duration.ofSeconds(15), () -> executorThreads() == 0);
        }
    }

    /** Live threads of bt's client executor: ours ({@code bt-client-N}) or bt's own. */
    private static long executorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("bt-client") || t.getName().contains("bt.service.executor"))
                .count();
    }
}
