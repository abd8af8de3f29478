package org.bitweb.testing;

import org.bitweb.dht.Testnet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The set-up every engine test on the DHT testnet shares: a fresh testnet per test (skipped with
 * the reason where network namespaces are not available), closed after it.
 */
@Tag("testnet")
public abstract class TestnetEngineTest {
    @TempDir
    public Path temp;
    public TestnetEngines testnet;

    /**
     * Skips the test (an assumption) when a tool it needs is missing, or fails it under
     * BITWEB_INTEROP_REQUIRED=1; checked before the testnet, so a missing tool is reported as such
     * even where the testnet is unavailable too.
     */
    protected void assumeTools() throws Exception {
    }

    @BeforeEach
    public final void startTestnet() throws Exception {
        assumeTools();
        Testnet.assumeAvailable();
        testnet = TestnetEngines.start(temp);
    }

    @AfterEach
    final void stopTestnet() throws Exception {
        if (testnet != null) {
            testnet.close();
        }
    }
}
