package org.bitweb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits through {@code settings.get} / {@code settings.set}: the slow-link preset, either
 * limit alone, a site's own limits, kept across a restart and in force in the engine at once;
 * and a folder published in place through {@code site.publish}.
 */
@Timeout(60)
class RateLimitSettingsTest {
    static final String SITE = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path temp;
    private StateDir state;
    private EngineDaemon daemon;
    private EngineClient client;

    @BeforeEach
    void start() throws Exception {
        state = new StateDir(temp.resolve("home"));
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()).withLanDiscovery(false));
        client = EngineClient.connect(state.socket());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private JsonNode set(Map<String, Object> body) throws Exception {
        return client.request("settings.set", Json.MAPPER.valueToTree(body));
    }

    @Test
    void theSlowLinkPresetThenOneLimitByHandReachTheEngineAndSurviveARestart() throws Exception {
        assertEquals(0, client.request("settings.get", null).path("rateLimits").path("uploadBytesPerSecond").asLong(), "none by default");
        assertEquals(0, daemon.engine().bandwidth().uploadLimit());

        JsonNode slow = set(Map.of("ratePreset", "slow-link"));
        assertEquals(50_000, slow.path("rateLimits").path("uploadBytesPerSecond").asLong());
        assertEquals(200_000, slow.path("rateLimits").path("downloadBytesPerSecond").asLong());
        assertEquals(50_000, daemon.engine().bandwidth().uploadLimit(), "in force at once");
        assertEquals(200_000, daemon.engine().bandwidth().downloadLimit());

        JsonNode up = set(Map.of("rateLimits", Map.of("uploadBytesPerSecond", 100_000)));
        assertEquals(100_000, up.path("rateLimits").path("uploadBytesPerSecond").asLong());
        assertEquals(200_000, up.path("rateLimits").path("downloadBytesPerSecond").asLong(), "the other limit stays");
        JsonNode site = set(Map.of("siteRateLimits", Map.of(SITE, Map.of("uploadBytesPerSecond", 20_000))));
        assertEquals(20_000, site.path("siteRateLimits").path(SITE).path("uploadBytesPerSecond").asLong());
        assertTrue(set(Map.of("keepSeeding", false)).path("rateLimits").path("uploadBytesPerSecond").asLong() == 100_000,
                "changing another setting keeps the limits");

        client.close();
        daemon.close();
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()).withLanDiscovery(false));
        client = EngineClient.connect(state.socket());
        assertEquals(100_000, daemon.engine().bandwidth().uploadLimit(), "applied at start");
        assertEquals(20_000, client.request("settings.get", null).path("siteRateLimits").path(SITE).path("uploadBytesPerSecond").asLong());

        assertEquals(0, set(Map.of("ratePreset", "none")).path("rateLimits").path("downloadBytesPerSecond").asLong());
        assertEquals(0, daemon.engine().bandwidth().uploadLimit());
    }

    @Test
    void badLimitsAreRefusedAndChangeNothing() throws Exception {
        set(Map.of("rateLimits", Map.of("uploadBytesPerSecond", 64_000)));
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(
                Map.of("rateLimits", Map.of("uploadBytesPerSecond", -1)),
                Map.of("rateLimits", Map.of("uploadBytesPerSecond", 100)),
                Map.of("rateLimits", Map.of("uploadBytesPerSecond", "100K")),
                Map.of("rateLimits", 5),
                Map.of("ratePreset", "fast"),
                Map.of("siteRateLimits", Map.of("not-an-infohash", Map.of("uploadBytesPerSecond", 20_000))))) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> set(bad), bad.toString());
            assertEquals(ErrorCode.BAD_SETTING, e.code(), bad + ": " + e.getMessage());
        }
        assertEquals(64_000, daemon.engine().bandwidth().uploadLimit());
        assertFalse(Files.readString(state.settings()).contains("not-an-infohash"));
    }

    @Test
    void aFolderPublishedInPlaceIsSeededFromTheFolder() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("videos"));
        Files.writeString(folder.resolve("index.html"), "<h1>videos</h1>");
        JsonNode site = client.request("site.publish", Json.object().put("path", folder.toString()).put("inPlace", true));
        String ih = site.path("infohash").asText();
        assertTrue(Files.exists(state.site(ih).resolve("in-place.json")));
        assertFalse(Files.exists(state.site(ih).resolve("data")), "no copy");
        ProtocolException withKey = assertThrows(ProtocolException.class, () -> client.request("site.publish",
                Json.object().put("path", folder.toString()).put("inPlace", true).put("key", "k")));
        assertEquals(ErrorCode.BAD_REQUEST, withKey.code());
    }
}
