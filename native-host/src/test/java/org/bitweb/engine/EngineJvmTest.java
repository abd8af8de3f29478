package org.bitweb.engine;

import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's JVM options: a memory cap always, and a class-data sharing archive made once, then used. */
class EngineJvmTest {

    @TempDir
    Path dir;

    /**
     * The installed launchers carry the same base options as the bridge's engine, so that
     * {@code bitweb serve} and the service (which runs the launcher) run the engine alike.
     */
    @Test
    void theInstallersLaunchersCarryTheEnginesBaseOptions() throws IOException {
        String words = String.join(" ", EngineJvm.base());
        assertTrue(Files.readString(Path.of("..", "installer", "install.sh")).contains("\nENGINE_JVM='" + words + "'\n"),
                "install.sh's ENGINE_JVM is " + words);
        assertTrue(Files.readString(Path.of("..", "installer", "install.ps1")).contains("\n$EngineJvm = '" + words + "'\n"),
                "install.ps1's $EngineJvm is " + words);
        List<String> execs = Files.readAllLines(Path.of("..", "installer", "templates", "bitweb.sh")).stream()
                .map(String::trim).filter(line -> line.startsWith("exec ")).toList();
        assertFalse(execs.isEmpty());
        assertTrue(execs.stream().allMatch(line -> line.startsWith("exec @JAVA@ @JVM@ ") && line.endsWith(" -jar @JAR@ \"$@\"")),
                execs.toString());
        assertTrue(EngineJvm.options(new StateDir(dir.resolve("home")), "/nowhere").containsAll(EngineJvm.base()));
    }

    @Test
    void capsTheHeapAndDirectMemory() throws IOException {
        List<String> options = EngineJvm.options(new StateDir(dir.resolve("home")), jar().toString());
        assertTrue(options.contains("-Xmx" + EngineJvm.MAX_HEAP), options.toString());
        assertTrue(options.contains("-Xms" + EngineJvm.START_HEAP), options.toString());
        assertTrue(options.contains("-XX:MaxDirectMemorySize=" + EngineJvm.MAX_DIRECT), options.toString());
    }

    @Test
    void theFirstStartWritesAnArchiveThatLaterStartsLoadClassesFrom() throws Exception {
        StateDir home = new StateDir(dir.resolve("home"));
        Path jar = jar();
        List<String> first = EngineJvm.options(home, jar.toString());
        assertTrue(first.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")), first.toString());
        assertEquals("hello", run(first, jar, List.of()).trim());

        List<String> later = EngineJvm.options(home, jar.toString());
        assertTrue(later.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=")), later.toString());
        // the class comes from the archive, not from the jar
        String loaded = run(later, jar, List.of("-Xshare:on", "-Xlog:class+load=info"));
        assertTrue(loaded.lines().anyMatch(l -> l.contains(Hello.class.getName()) && l.contains("shared objects file")),
                loaded);
    }

    /**
     * On Java 25 and later the engine keeps its classes in an AOT cache instead: written as the
     * first start exits (by a second JVM it waits for), mapped by the next; none of its messages on
     * stdout. Run on a real Java 25 or later (CI's machines have Temurin 25 beside Java 17).
     */
    @Test
    void onJava25TheFirstStartWritesAnAotCacheThatLaterStartsLoadClassesFrom() throws Exception {
        Path java = java25OrLater();
        StateDir home = new StateDir(dir.resolve("home"));
        Path jar = jar();
        List<String> first = EngineJvm.options(home, jar.toString(), 25);
        assertTrue(first.stream().anyMatch(o -> o.startsWith("-XX:AOTCacheOutput=")), first.toString());
        assertEquals("hello\n", run(java, first, jar, List.of(), false), "stdout has only the program's output");
        Path cache = EngineJvm.archive(home, jar.toString(), EngineJvm.ArchiveKind.AOT_CACHE);
        assertTrue(Files.isRegularFile(cache), "the cache is written: " + cache);
        assertFalse(Files.exists(cache.resolveSibling(cache.getFileName() + ".config")), "its configuration file is gone");

        List<String> later = EngineJvm.options(home, jar.toString(), 25);
        assertTrue(later.contains("-XX:AOTCache=" + cache), later.toString());
        // AOTMode=on: the JVM fails rather than go on without the cache; the class comes from it
        String loaded = run(java, later, jar, List.of("-XX:AOTMode=on", "-Xlog:class+load=info"), true);
        assertTrue(loaded.lines().anyMatch(l -> l.contains(Hello.class.getName()) && l.contains("shared objects file")),
                loaded);
    }

    @Test
    void javaBefore25KeepsTheClassDataArchive() throws IOException {
        List<String> options = EngineJvm.options(new StateDir(dir.resolve("home")), jar().toString(), 21);
        assertTrue(options.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=") && o.endsWith(".jsa")),
                options.toString());
        assertTrue(options.stream().noneMatch(o -> o.contains("AOT")), options.toString());
    }

    @Test
    void anotherJavasArchiveOfTheOtherKindAndAnUnfinishedCachesConfigurationAreDeleted() throws Exception {
        StateDir home = new StateDir(dir.resolve("home"));
        Path jar = jar();
        Path jsa = EngineJvm.archive(home, jar.toString(), EngineJvm.ArchiveKind.CLASS_DATA);
        Files.writeString(jsa, "Java 17's archive");
        Path stale = jsa.resolveSibling("engine-0123456789abcdef.aot.config");
        Files.writeString(stale, "a cache's writing cut short");
        Path aot = EngineJvm.archive(home, jar.toString(), EngineJvm.ArchiveKind.AOT_CACHE);
        assertTrue(aot.getFileName().toString().endsWith(".aot"), aot.toString());
        assertFalse(Files.exists(jsa), "the archive of the other kind is gone");
        assertFalse(Files.exists(stale), "the stale configuration is gone");
    }

    @Test
    void anotherJarGetsAnArchiveOfItsOwnAndTheOldOneIsDeleted() throws Exception {
        StateDir home = new StateDir(dir.resolve("home"));
        Path jar = jar();
        Path first = EngineJvm.archive(home, jar.toString());
        Files.writeString(first, "an older archive");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0)); // "a new version"
        Path second = EngineJvm.archive(home, jar.toString());
        assertFalse(second.equals(first));
        assertFalse(Files.exists(first), "the other version's archive is gone");
    }

    @Test
    void classesInFoldersAreNotArchived() throws IOException {
        List<String> options = EngineJvm.options(new StateDir(dir.resolve("home")),
                jar() + java.io.File.pathSeparator + dir);
        assertTrue(options.stream().noneMatch(o -> o.contains("Archive")), options.toString());
    }

    /** The main class of the jar the tests start. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    /** A Java 25 or later under /usr/lib/jvm (or BITWEB_JAVA25_HOME): required in CI, skipped elsewhere. */
    private static Path java25OrLater() throws IOException {
        List<Path> homes = new ArrayList<>();
        String named = System.getenv("BITWEB_JAVA25_HOME");
        if (named != null && !named.isEmpty()) {
            homes.add(Path.of(named));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var listed = Files.list(jvms)) {
                listed.sorted().forEach(homes::add);
            }
        }
        java.util.regex.Pattern version = java.util.regex.Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
        for (Path home : homes) {
            Path release = home.resolve("release");
            if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/java"))) {
                java.util.regex.Matcher m = version.matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) >= 25) {
                    return home.resolve("bin/java");
                }
            }
        }
        org.bitweb.interop.Tools.missing("no Java 25 or later under /usr/lib/jvm (set BITWEB_JAVA25_HOME)");
        throw new IllegalStateException("unreachable: missing() fails or skips");
    }

    private Path jar() throws IOException {
        Path jar = dir.resolve("hello.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             InputStream in = Hello.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String run(List<String> options, Path jar, List<String> more) throws Exception {
        return run(Path.of(System.getProperty("java.home"), "bin", "java"), options, jar, more, true);
    }

    /** Runs Hello; its stdout, with stderr too if {@code withStderr}. */
    private static String run(Path java, List<String> options, Path jar, List<String> more, boolean withStderr)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(options);
        command.addAll(more);
        command.addAll(List.of("-cp", jar.toString(), Hello.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (withStderr) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = builder.start();
        try (OutputStream ignored = p.getOutputStream()) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM ended");
            assertEquals(0, p.exitValue(), out);
            return out;
        }
    }
}
