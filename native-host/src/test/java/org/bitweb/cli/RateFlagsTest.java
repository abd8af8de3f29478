package org.bitweb.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve}'s rate flags read rates as people write them; {@code publish --in-place} keeps no copy. */
class RateFlagsTest {
    @TempDir
    Path tmp;

    private static ServeCommand serve(String... args) {
        var parsed = Main.commandLine(InProcess.nowhere()).parseArgs(args);
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void ratesAndThePresetAreReadFromTheCommandLine() {
        ServeCommand plain = serve("serve");
        assertNull(plain.uploadLimit);
        assertFalse(plain.slowLink);
        ServeCommand limited = serve("serve", "--upload-limit", "100K", "--download-limit", "1.5M", "--slow-link");
        assertEquals(100_000L, limited.uploadLimit);
        assertEquals(1_500_000L, limited.downloadLimit);
        assertTrue(limited.slowLink);
        assertEquals(0L, serve("serve", "--upload-limit", "0").uploadLimit, "0: no limit");
    }

    @Test
    void aRateThatIsNoneIsAUsageErrorBeforeAnythingRuns() {
        InProcess run = InProcess.run("--home", tmp.resolve("home").toString(), "serve", "--upload-limit", "fast");
        assertEquals(Outcome.USAGE.status, run.exit(), run.toString());
        assertTrue(run.err().contains("--upload-limit") && run.err().contains("100K"), run.err());
        assertFalse(Files.exists(tmp.resolve("home").resolve("engine.lock")), "no engine started");
    }

    @Test
    void publishInPlaceKeepsNoCopyAndSaysWhatAnEditDoes() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("videos"));
        Files.writeString(site.resolve("index.html"), "<h1>videos</h1>");
        InProcess run = InProcess.run("--home", tmp.resolve("home").toString(), "publish", site.toString(), "--in-place");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("seeded from " + site + " itself, not a copy"), run.out());
        Path sites = tmp.resolve("home").resolve("sites");
        try (var list = Files.list(sites)) {
            Path siteDir = list.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            assertTrue(Files.exists(siteDir.resolve("in-place.json")));
            assertFalse(Files.exists(siteDir.resolve("data")));
        }
        InProcess withKey = InProcess.run("--home", tmp.resolve("home").toString(), "publish", site.toString(), "--in-place",
                "--key", "k");
        assertEquals(Outcome.USAGE.status, withKey.exit(), withKey.toString());
    }
}
