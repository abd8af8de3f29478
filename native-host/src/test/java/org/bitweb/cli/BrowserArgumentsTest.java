package org.bitweb.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a browser starts the host with goes straight to the bridge (no command line to read: the
 * bridge's start is every browser's wait for its routing); what a person could mean goes through
 * the command line. HostProcessTest runs the host both ways as a child process.
 */
class BrowserArgumentsTest {
    @Test
    void whatBrowsersAppendGoesStraightToTheBridge() {
        assertTrue(Main.asABrowserStartsTheHost(new String[] {"host", "chrome-extension://abcdefghijklmnop/"}), "Chromium");
        assertTrue(Main.asABrowserStartsTheHost(new String[] {"host", "chrome-extension://abcdefghijklmnop/",
                "--parent-window=0"}), "Chromium on Windows");
        assertTrue(Main.asABrowserStartsTheHost(new String[] {"host", "/home/u/.mozilla/native-messaging-hosts/org.bitweb.host.json",
                "bitweb@bitweb.org"}), "Firefox");
        assertTrue(Main.asABrowserStartsTheHost(new String[] {"host"}), "nothing appended");
    }

    @Test
    void whatAPersonCouldMeanGoesThroughTheCommandLine() {
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"host", "--help"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"host", "-h"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"host", "--home", "/tmp/x"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"host", "--log-level=debug"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"--home", "/tmp/x", "host"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[] {"status"}));
        assertFalse(Main.asABrowserStartsTheHost(new String[0]));
    }
}
