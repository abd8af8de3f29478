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
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A class-data archive an installed launcher gives its JVM, beside the installed jar: the host
 * launcher's for the browser's bridge ({@value #HOST}), the command line's for {@code bitweb
 * serve} and the service that runs it ({@value #SERVE}), and for every other command
 * ({@value #COMMANDS}). The launcher names it to the JVM in
 * {@value #PROPERTY}. The launcher decides at each start, before any Java runs: with the file
 * there the JVM maps it ({@code -XX:SharedArchiveFile}); without it, where the launcher may
 * write, the JVM writes one as it exits ({@code -XX:ArchiveClassesAtExit}). What a launcher
 * cannot tell is whether the archive still belongs to this Java and this jar: the JVM refuses
 * another's without a word, and the launcher would map it on every start from then on. So the
 * start that will write the archive notes beside it which runtime and jar it is for (its name
 * and {@value #ID}), and a later start deletes an archive noted for another (or never finished),
 * so that the next one writes it again. docs/TUNING.md, "Class-data archives the launchers give".
 */
final class LauncherArchive {
    private static final Logger log = LoggerFactory.getLogger(LauncherArchive.class);
    /** The bridge's, named by installer/templates/bitweb-host.sh and install.ps1. */
    static final String HOST = "bitweb-host.jsa";
    /** {@code bitweb serve}'s, named by installer/templates/bitweb.sh. */
    static final String SERVE = "bitweb-serve.jsa";
    /**
     * Every other command's, named by installer/templates/bitweb.sh: written by the first command
     * run (its classes), and what later ones share of those (the JVM's, picocli's, Jackson's,
     * logging's, the engine client's) is mapped.
     */
    static final String COMMANDS = "bitweb-commands.jsa";
    /** The system property in which the launcher names the archive; without it (run by hand, a test's JVM) nothing is done. */
    static final String PROPERTY = "bitweb.archive";
    static final String ID = ".id";
    /** The JVM writes an archive's header last: a file whose first bytes are still zero was never finished. */
    private static final int HEADER_PROBE = 16;

    private LauncherArchive() {
    }

    /** This JVM's check, started once: as a command opens the state folder ({@link BitwebCommand#open}). */
    private static Thread check;

    /**
     * Checks the archive the launcher named, if it did and this JVM runs from a jar, on a daemon
     * thread of its own (off the path of the start); once per JVM, later calls return the same
     * thread. Join it before exiting: its note is one small write.
     */
    static synchronized Thread checkInBackground() {
        if (check == null) {
            String named = System.getProperty(PROPERTY);
            check = new Thread(() -> Bridge.installedJar().filter(jar -> named != null && !named.isEmpty())
                    .ifPresent(jar -> log.debug("class-data archive {}: {}", named, keepCurrent(Path.of(named), jar))),
                    "launcher-archive");
            check.setDaemon(true);
            check.start();
        }
        return check;
    }

    /** Waits (at most 2 s: one small write) for this JVM's check, if one was started, as the JVM exits. */
    static void awaitCheck() {
        Thread started;
        synchronized (LauncherArchive.class) {
            started = check;
        }
        if (started == null) {
            return;
        }
        try {
            started.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                Path temp = Files.createTempFile(folder, archive.getFileName().toString(), ".tmp");
                Files.writeString(temp, identity + "\n", StandardCharsets.US_ASCII);
                if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                    // readable by all, as the archive the JVM writes (0444): a system install's
                    // users map root's archive and must read whom it was made for
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(temp, id, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return Outcome.NOTED;
            }
            String noted = Files.exists(id) ? Files.readString(id, StandardCharsets.US_ASCII).trim() : "";
            if (noted.equals(identity) && finished(archive)) {
                return Outcome.KEPT;
            }
            Files.deleteIfExists(archive);
            Files.deleteIfExists(id);
            log.info("deleted the class-data archive {} ({}); the next start writes a new one", archive,
                    noted.equals(identity) ? "never finished" : "made for another Java or jar");
            return Outcome.DELETED;
        } catch (IOException | RuntimeException e) {
            // an archive is only a faster start: the JVM goes on without touching it
            log.warn("could not check the class-data archive {}: {}", archive, e.toString());
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
