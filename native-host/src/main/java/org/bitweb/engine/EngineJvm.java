package org.bitweb.engine;

import org.bitweb.address.Hex;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM options the engine process is started with, in one place: the browser's bridge starts
 * it with them, and the gateway benchmark too, so what is measured is what users run.
 *
 * <ul>
 *   <li>A heap cap ({@value #MAX_HEAP}): without one the JVM may grow its heap to a quarter of the
 *       machine's memory under load (the gateway under wrk took the engine from 110 to 730 MB).
 *       Direct memory is capped at {@value #MAX_DIRECT} (the JVM's default is the heap cap; bt
 *       takes 1 MiB buffers per peer connection and direction, so it gets room of its own).
 *       The heap starts at {@value #START_HEAP} and grows to the cap only under load: an idle
 *       engine's young generation, touched in full by its garbage, is then a third of that.</li>
 *   <li>Class-data sharing: the first start writes an archive of the classes it loaded
 *       ({@code -XX:ArchiveClassesAtExit}, when the engine exits); later starts map it
 *       ({@code -XX:SharedArchiveFile}) instead of reading and verifying jars. On Java 25 and
 *       later, an AOT cache instead ({@link ArchiveKind}). The archive is named
 *       by a hash of the Java runtime and the jars, so a new version or another Java makes a new
 *       one (older ones are deleted). Classes from folders (a development build) cannot be
 *       archived, so no archive is used there.</li>
 * </ul>
 */
public final class EngineJvm {

    static final String MAX_HEAP = "256m";
    static final String START_HEAP = "64m";
    static final String MAX_DIRECT = "512m";

    private EngineJvm() {
    }

    /**
     * @param dir       the engine's state folder; the archive lives in its {@code cache} folder
     * @param classPath the class path the engine will run with ({@code File.pathSeparator}-separated)
     */
    public static List<String> options(StateDir dir, String classPath) {
        return options(dir, classPath, Runtime.version().feature());
    }

    /**
     * The options for an engine run by a Java of that feature version (the bridge runs it with its
     * own, so {@link #options(StateDir, String)}; a benchmark compares two). The archive is named
     * by this JVM's identity.
     */
    public static List<String> options(StateDir dir, String classPath, int javaFeature) {
        List<String> options = new ArrayList<>(base());
        ArchiveKind kind = ArchiveKind.of(javaFeature);
        // class-data sharing warnings (an archive from an older start) are not errors; the JVM's
        // own messages stay off stdout
        options.addAll(kind.quiet);
        try {
            Path archive = archive(dir, classPath, kind);
            if (archive != null) {
                options.add((Files.isRegularFile(archive) ? kind.map : kind.write) + archive);
            }
        } catch (IOException e) {
            // no archive: the engine starts all the same, only slower
        }
        return options;
    }

    /**
     * What the engine's classes are kept in between starts. Java 17 to 24: a dynamic class-data
     * archive. Java 25 and later: an AOT cache (JEP 483, 514, 515), which also keeps the classes
     * linked and the training run's method profiles: an engine up 0.80x as late as with Java 25's
     * dynamic archive, 0.85x of Java 17's (docs/TUNING.md, "Java 25's AOT cache"). Each kind is
     * written by an engine as it exits (the AOT cache by a second JVM that the exiting one starts
     * and waits for, its messages on stderr: the engine's log).
     */
    enum ArchiveKind {
        CLASS_DATA(".jsa", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=",
                List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:cds=off", "-Xlog:cds+dynamic=off")),
        // the cache's writing says what it does (not through -Xlog): on stderr, off stdout
        AOT_CACHE(".aot", "-XX:AOTCache=", "-XX:AOTCacheOutput=",
                List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:aot*=off", "-Xlog:cds*=off"));

        /** The first Java with an AOT cache written in one run ({@code -XX:AOTCacheOutput}). */
        static final int AOT_CACHE_SINCE = 25;

        final String suffix;
        final String map;
        final String write;
        final List<String> quiet;

        ArchiveKind(String suffix, String map, String write, List<String> quiet) {
            this.suffix = suffix;
            this.map = map;
            this.write = write;
            this.quiet = quiet;
        }

        static ArchiveKind of(int javaFeature) {
            return javaFeature >= AOT_CACHE_SINCE ? AOT_CACHE : CLASS_DATA;
        }
    }

    /**
     * The options that need no state folder (memory, the JVM's counters off, the JIT's pace): also
     * what the installed {@code bitweb} launcher (installer/install.sh, install.ps1) and the Windows
     * service's command carry, so that {@code bitweb serve} and the service run the engine as the
     * browser's bridge does (at 1,000 sites without them: 299 MB, with them 163 MB; docs/TUNING.md,
     * "An idle engine").
     */
    public static List<String> base() {
        return List.of("-Xmx" + MAX_HEAP, "-XX:MaxDirectMemorySize=" + MAX_DIRECT,
                // the gateway's and bt's threads are few; a small heap needs no parallel collector
                "-XX:+UseSerialGC",
                // The heap starts small and grows under load: the young generation is a third of it
                // and all of it is touched as idle garbage cycles through, so with the JVM's initial
                // heap (1/64 of the machine's memory, here all 256 MB) an idle engine seeding 1,000
                // sites held 210-220 MB, with this 160-170 MB (docs/TUNING.md, "An idle engine")
                "-Xms" + START_HEAP,
                // no full collection at start for the class metadata's first threshold (21 MB)
                "-XX:MetaspaceSize=64m",
                // No performance counters in shared memory (hsperfdata, what jps and jstat read):
                // the JVM's periodic task thread sampled them 20 times a second, 0.1-0.3 % of a core
                // of an idle engine (docs/TUNING.md, "An idle engine"). jcmd PID still attaches.
                "-XX:-UsePerfData",
                // The JIT compiles a method once it has run half as often as by default: its
                // compiler threads took more CPU than the start itself (1.8 s by "engine up" on 2
                // cores), mostly for code that runs only while starting. Measured: engine up 114 ms
                // sooner (paired median, 7 of 8), 0.3 s less CPU, the gateway under load right after
                // the start and warm unchanged (docs/TUNING.md, "The JIT's pace at start").
                "-XX:CompileThresholdScaling=2");
    }

    /** Where this runtime and class path's archive is, or null if the class path cannot be archived. */
    static Path archive(StateDir dir, String classPath) throws IOException {
        return archive(dir, classPath, ArchiveKind.of(Runtime.version().feature()));
    }

    static Path archive(StateDir dir, String classPath, ArchiveKind kind) throws IOException {
        String identity = archiveIdentity(classPath);
        if (identity == null) {
            return null;
        }
        Path cache = dir.root().resolve("cache");
        Files.createDirectories(cache);
        String name = "engine-" + identity + kind.suffix;
        // another version's or another Java's archive, of either kind, and what an AOT cache's
        // writing left if it was cut short (its configuration file)
        try (DirectoryStream<Path> old = Files.newDirectoryStream(cache, "engine-*.{jsa,aot,aot.config}")) {
            for (Path p : old) {
                String file = p.getFileName().toString();
                if (!file.equals(name) && !file.equals(name + ".config")) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return cache.resolve(name);
    }

    /**
     * Which Java runtime and jars a class-data archive belongs to, as 16 hex digits: an archive
     * made by another is of no use (the JVM refuses it without a word). Null when the class path
     * has a folder or a missing entry, which cannot be archived reliably.
     */
    public static String archiveIdentity(String classPath) throws IOException {
        MessageDigest sha = sha256();
        update(sha, System.getProperty("java.home"));
        update(sha, System.getProperty("java.vm.version"));
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            update(sha, jar.toAbsolutePath().toString());
            update(sha, Long.toString(Files.size(jar)));
            update(sha, Long.toString(Files.getLastModifiedTime(jar).toMillis()));
        }
        return Hex.encode(Arrays.copyOf(sha.digest(), 8));
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
