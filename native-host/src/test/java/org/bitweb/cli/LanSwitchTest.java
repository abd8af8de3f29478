package org.bitweb.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local peer discovery per run: --no-lan and BITWEB_LAN=off (the test scripts') switch it off. */
class LanSwitchTest {
    private static NetworkOptions serve(String... args) {
        var parsed = Main.commandLine(InProcess.nowhere()).parseArgs(args);
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).network;
    }

    @Test
    void onUnlessTheCommandLineOrTheEnvironmentSaysOff() {
        assertTrue(serve("serve").lanDiscovery(Map.of()));
        assertTrue(serve("serve").lanDiscovery(Map.of("BITWEB_LAN", "on")));
        assertFalse(serve("serve", "--no-lan").lanDiscovery(Map.of()));
        assertFalse(serve("serve").lanDiscovery(Map.of("BITWEB_LAN", "off")));
    }
}
