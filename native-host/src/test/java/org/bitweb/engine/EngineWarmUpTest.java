package org.bitweb.engine;

import org.bitweb.gateway.GatewayWarmUp;
import org.bitweb.gateway.WarmUps;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine warms its gateway up once it is ready (docs/GATEWAY.md, "The warm-up"), and the
 * warm-up leaves no trace a user could see: no site in the list, nothing in the state folder's
 * sites, and the gateway still refuses every host that is not a BitWeb site. The warm-up runs once
 * per process; the test lets it run again, so it holds in the whole suite, not only alone.
 */
@Timeout(120)
class EngineWarmUpTest {

    @TempDir
    Path temp;

    @Test
    void warmsTheGatewayUpAfterTheStartAndLeavesNothingBehind() throws Exception {
        Path home = temp.resolve("engine");
        WarmUps.allowAnother();
        try (Engine engine = Engine.start(new StateDir(home), new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            GatewayWarmUp.Report report = engine.gatewayWarmUp().get(60, TimeUnit.SECONDS);
            assertEquals("budget", report.stoppedBy(), report.toString());
            assertEquals(12_000, report.small(), report.toString());
            assertEquals(24, report.big(), report.toString());
            assertEquals(List.of(), engine.sites(), "no site listed");
            try (Stream<Path> sites = Files.list(home.resolve("sites"))) {
                assertEquals(List.of(), sites.toList(), "nothing stored");
            }
            int port = engine.gatewayPort();
            assertEquals(421, Http.get(port, "127.0.0.1:" + port, "/").status());
            assertEquals(421, Http.get(port, "localhost", "/").status());
            assertTrue(Files.isDirectory(home.resolve("sites")));
        }
    }
}
