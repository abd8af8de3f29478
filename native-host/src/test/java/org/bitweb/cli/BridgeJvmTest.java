package org.bitweb.cli;

import org.bitweb.gateway.GatewayWarmUp;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The host launchers the installers write give the bridge's JVM the options {@link Bridge#JVM}
 * names; the engine a bridge starts runs without the gateway's warm-up.
 */
class BridgeJvmTest {
    @TempDir
    Path temp;

    @Test
    void theEngineABrowserStartsSkipsTheGatewayWarmUp() throws IOException {
        List<String> command = Bridge.engineCommand(new StateDir(temp));
        int main = command.indexOf("-cp");
        assertTrue(main > 0, command.toString());
        // a JVM option, before the class path and main class: the engine's serve reads it as it starts
        assertTrue(command.subList(0, main).contains("-D" + GatewayWarmUp.PROPERTY + "=false"), command.toString());
        // bitweb serve --background, without the command line (BackgroundEngineTest)
        assertEquals(List.of(BackgroundEngine.class.getName(), "--home", temp.toString()),
                command.subList(command.size() - 3, command.size()));
    }

    /** A JVM with the bridge's options (and an archive asked for) running {@code bitweb --version}; its stdout and status. */
    private static String[] versionWith(List<String> options, Path archive) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--version"));
        Process java = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "java exited");
        return new String[] {out, Integer.toString(java.exitValue())};
    }

    @Test
    void theBridgesJvmWritesNothingOfItsOwnOnStdoutEvenWhenItsArchiveCannotBeWritten() throws Exception {
        // a folder that is a file: no one may write there, not even root
        Path archive = Files.writeString(temp.resolve("a file"), "").resolve("bitweb-host.jsa");
        String[] plain = versionWith(List.of(), archive);
        // the JVM's own error, on stdout as it exits: what would reach the browser without the options
        assertTrue(plain[0].contains("Error occurred during initialization of VM"), plain[0]);
        String[] bridge = versionWith(Bridge.JVM, archive);
        assertEquals("bitweb " + org.bitweb.Version.CURRENT + System.lineSeparator(), bridge[0]);
    }

    @Test
    void theInstallersHostLaunchersCarryTheBridgesJvmOptions() throws IOException {
        String words = String.join(" ", Bridge.JVM);
        assertTrue(words.contains("-XX:TieredStopAtLevel=1") && words.contains("-Xmx"), words);
        assertTrue(Files.readString(Path.of("..", "installer", "install.sh")).contains("\nHOST_JVM='" + words + "'\n"),
                "install.sh's HOST_JVM is " + words);
        assertTrue(Files.readString(Path.of("..", "installer", "install.ps1")).contains("\n$HostJvm = '" + words + "'\n"),
                "install.ps1's $HostJvm is " + words);
        assertTrue(Files.readString(Path.of("..", "installer", "templates", "bitweb-host.sh"))
                .contains("exec @JAVA@ @JVM@ \"$cds\" -D" + LauncherArchive.PROPERTY + "=@ARCHIVE@ -jar @JAR@ host \"$@\""));
    }
}
