package org.bitweb.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host launchers the installers write give the bridge's JVM the options {@link Bridge#JVM} names. */
class BridgeJvmTest {
    @Test
    void theInstallersHostLaunchersCarryTheBridgesJvmOptions() throws IOException {
        String words = String.join(" ", Bridge.JVM);
        assertTrue(words.contains("-XX:TieredStopAtLevel=1") && words.contains("-Xmx"), words);
        assertTrue(Files.readString(Path.of("..", "installer", "install.sh")).contains("\nHOST_JVM='" + words + "'\n"),
                "install.sh's HOST_JVM is " + words);
        assertTrue(Files.readString(Path.of("..", "installer", "install.ps1")).contains("\n$HostJvm = '" + words + "'\n"),
                "install.ps1's $HostJvm is " + words);
        assertTrue(Files.readString(Path.of("..", "installer", "templates", "bitweb-host.sh"))
                .contains("exec @JAVA@ @JVM@ -jar @JAR@ host \"$@\""));
    }
}
