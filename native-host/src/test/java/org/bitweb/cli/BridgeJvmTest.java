package org.bitweb.cli;

import org.bitweb.gateway.GatewayWarmUp;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
        assertEquals(List.of("serve", "--background"), command.subList(command.size() - 2, command.size()));
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
                .contains("exec @JAVA@ @JVM@ \"$cds\" -jar @JAR@ host \"$@\""));
    }
}
