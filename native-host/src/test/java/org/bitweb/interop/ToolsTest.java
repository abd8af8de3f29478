package org.bitweb.interop;

import org.bitweb.dht.Testnet;
import org.bitweb.testing.TestnetEngineTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 12: a test that cannot run where CI requires it fails, it does not skip. The
 * environment is injected, so the rule is tested both ways in any run.
 */
class ToolsTest {
    private static final Map<String, String> CI = Map.of("BITWEB_INTEROP_REQUIRED", "1");
    private static final String MISSING = "bitweb-no-such-tool-" + ToolsTest.class.hashCode();

    @Test
    void aMissingToolFailsTheTestWhereTheRunRequiresIt() {
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> Tools.assumeBinary(MISSING, "nothing", CI));
        assertTrue(failed.getMessage().contains(MISSING), failed.getMessage());
        assertTrue(failed.getMessage().contains("apt-get install nothing"), "it says what to install: " + failed.getMessage());
    }

    @Test
    void aMissingToolSkipsTheTestElsewhereSayingWhy() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> Tools.assumeBinary(MISSING, "nothing", Map.of()));
        assertTrue(skipped.getMessage().contains(MISSING), skipped.getMessage());
        assertThrows(TestAbortedException.class, () -> Tools.assumeBinary(MISSING, "nothing", Map.of("BITWEB_INTEROP_REQUIRED", "0")));
    }

    @Test
    void aToolThatIsThereNeitherFailsNorSkips() {
        assertTrue(Tools.assumeBinary("sh", "dash", CI).toString().endsWith("/sh"));
    }

    @Test
    void anUnavailableTestnetFailsWhereTheRunRequiresIt() {
        Map<String, String> ciWithout = Map.of("BITWEB_INTEROP_REQUIRED", "1", "BITWEB_TESTNET_UNAVAILABLE", "no user namespaces");
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> Testnet.assumeAvailable(ciWithout));
        assertTrue(failed.getMessage().contains("no user namespaces"), failed.getMessage());
        assertThrows(TestAbortedException.class, () -> Testnet.assumeAvailable(Map.of("BITWEB_TESTNET_UNAVAILABLE", "no user namespaces")));
        Testnet.assumeAvailable(Map.of("BITWEB_INTEROP_REQUIRED", "1", "BITWEB_TESTNET", "198.18.0.0/15")); // there: runs
    }

    /**
     * A testnet test checks its tools before the testnet: were the testnet checked first, a run
     * without a testnet would skip the test and never report the missing tool. This JVM is not in
     * the testnet's namespace (the untagged tests run outside it), so the testnet check skips here.
     */
    @Test
    void aTestnetTestReportsItsMissingToolBeforeTheTestnetCanSkipIt() {
        TestnetEngineTest test = new TestnetEngineTest() {
            @Override
            protected void assumeTools() {
                Tools.assumeBinary(MISSING, "nothing", CI);
            }
        };
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, test::startTestnet);
        assertTrue(failed.getMessage().contains(MISSING), failed.getMessage());
    }
}
