package org.bitweb.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local peer discovery per run: --no-lan and BITWEB_LAN=off (the test scripts') switch it off. */
class LanSwitchTest {
    private static Args args(String... argv) {
        return Args.parse(argv, Set.of(), Set.of("no-lan"), false);
    }

    @Test
    void onUnlessTheCommandLineOrTheEnvironmentSaysOff() {
        assertTrue(Main.lanDiscovery(args("serve"), Map.of()));
        assertTrue(Main.lanDiscovery(args("serve"), Map.of("BITWEB_LAN", "on")));
        assertFalse(Main.lanDiscovery(args("serve", "--no-lan"), Map.of()));
        assertFalse(Main.lanDiscovery(args("serve"), Map.of("BITWEB_LAN", "off")));
    }
}
