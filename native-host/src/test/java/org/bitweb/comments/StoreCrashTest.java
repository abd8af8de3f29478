package org.bitweb.comments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 in the middle of writing records loses nothing a write had reported kept, and breaks nothing. */
@Timeout(120)
class StoreCrashTest {
    @TempDir
    Path temp;

    /** The child: writes batches of records for ever, printing each batch's ids once addAll returned. */
    public static void main(String[] args) throws Exception {
        try (CommentStore store = CommentStore.open(Path.of(args[0]), site -> false)) {
            for (int batch = 0; ; batch++) {
                List<CommentRecord> records = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    records.add(Fixtures.comment(Fixtures.signer(), Fixtures.page("/p" + (batch % 7) + ".html"),
                            "batch " + batch + " record " + i + " " + "x".repeat(i * 20), Fixtures.NOW - batch * 60L - i));
                }
                StringBuilder line = new StringBuilder("kept");
                for (CommentStore.Outcome outcome : store.addAll(records, Fixtures.NOW)) {
                    if (outcome.added()) {
                        line.append(' ').append(outcome.id().hex());
                    }
                }
                System.out.println(line);
                System.out.flush();
            }
        }
    }

    @Test
    void killNineWhileWritingLosesNoKeptRecord() throws Exception {
        Path dir = temp.resolve("comments");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbitweb.comments.workBits=8", "-cp", System.getProperty("java.class.path"), StoreCrashTest.class.getName(),
                dir.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(temp.resolve("child.err").toFile()))
                .start();
        List<Bytes32> kept = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            int batches = 0;
            String line;
            while (batches < 6 && (line = out.readLine()) != null) {
                for (String id : line.substring("kept".length()).trim().split(" ")) {
                    if (!id.isEmpty()) {
                        kept.add(Bytes32.hex(id));
                    }
                }
                batches++;
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, possibly mid-write
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(kept.size() >= 250, "the child kept records before it was killed: " + kept.size());
        try (CommentStore store = CommentStore.open(dir, site -> false)) {
            for (Bytes32 id : kept) {
                assertTrue(store.get(Fixtures.SITE, id).isPresent(), "kept before the kill: " + id);
            }
            CommentRecord after = Fixtures.comment(Fixtures.signer(), Fixtures.page("/"), "after the crash", Fixtures.NOW);
            assertTrue(store.add(after, Fixtures.NOW).added(), "the log takes records after the crash");
        }
        try (CommentStore store = CommentStore.open(dir, site -> false)) {
            assertTrue(store.count(Fixtures.SITE) >= kept.size() + 1);
        }
    }
}
