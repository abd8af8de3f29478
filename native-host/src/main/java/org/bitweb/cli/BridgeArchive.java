package org.bitweb.cli;

import org.bitweb.engine.EngineJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The bridge JVM's own class-data archive, {@value #NAME} beside the installed jar, which the
 * host launcher names to the bridge in {@value #PROPERTY}. The launcher decides at each start,
 * before any Java runs: with the file there the JVM maps it
 * ({@code -XX:SharedArchiveFile}); without it, where the launcher may write, the JVM writes one as
 * it exits ({@code -XX:ArchiveClassesAtExit}). What a launcher cannot tell is whether the archive
 * still belongs to this Java and this jar: the JVM refuses another's without a word, and the
 * launcher would map it on every start from then on. So the start that will write the archive
 * notes beside it which runtime and jar it is for ({@value #NAME}{@value #ID}), and a later start
 * deletes an archive noted for another (or never finished), so that the next one writes it again.
 * docs/TUNING.md, "The bridge's class-data archive".
 */
final class BridgeArchive {
    private static final Logger log = LoggerFactory.getLogger(BridgeArchive.class);
    static final String NAME = "bitweb-host.jsa";
    /** The system property in which the launcher names the archive; without it (a bridge run by hand, a test's) nothing is done. */
    static final String PROPERTY = "bitweb.hostArchive";
    static final String ID = ".id";
    /** The JVM writes an archive's header last: a file whose first bytes are still zero was never finished. */
    private static final int HEADER_PROBE = 16;

    private BridgeArchive() {
    }

    /** What {@link #keepCurrent} did, for the log and its test. */
    enum Outcome { NOTED, KEPT, DELETED, NOTHING }

    /** Keeps {@code archive} only while it is this runtime's and {@code jar}'s. Never throws. */
    static Outcome keepCurrent(Path archive, Path jar) {
        try {
            String identity = EngineJvm.archiveIdentity(jar.toString());
            Path folder = archive.toAbsolutePath().getParent();
            if (identity == null || folder == null) {
                return Outcome.NOTHING;
            }
            Path id = archive.resolveSibling(archive.getFileName() + ID);
            if (!Files.exists(archive)) {
                if (!Files.isWritable(folder)) {
                    return Outcome.NOTHING; // the launcher asks for no archive where none can be written
                }
                // this start writes it as it exits: note for whom, the one write that says so
                Path temp = Files.createTempFile(folder, NAME, ".tmp");
                Files.writeString(temp, identity + "\n", StandardCharsets.US_ASCII);
                Files.move(temp, id, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return Outcome.NOTED;
            }
            String noted = Files.exists(id) ? Files.readString(id, StandardCharsets.US_ASCII).trim() : "";
            if (noted.equals(identity) && finished(archive)) {
                return Outcome.KEPT;
            }
            Files.deleteIfExists(archive);
            Files.deleteIfExists(id);
            log.info("deleted the bridge's class-data archive {} ({}); the next start writes a new one", archive,
                    noted.equals(identity) ? "never finished" : "made for another Java or jar");
            return Outcome.DELETED;
        } catch (IOException | RuntimeException e) {
            // an archive is only a faster start: the bridge goes on without touching it
            log.warn("could not check the bridge's class-data archive {}: {}", archive, e.toString());
            return Outcome.NOTHING;
        }
    }

    private static boolean finished(Path archive) throws IOException {
        byte[] head = new byte[HEADER_PROBE];
        try (InputStream in = Files.newInputStream(archive)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return false;
            }
        }
        for (byte b : head) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }
}
