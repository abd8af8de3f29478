package org.bitweb.daemon;

import org.bitweb.engine.EngineOptions;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.bitweb.updates.UpdateTiming;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code oldVersionGraceHours} through {@code settings.get} / {@code settings.set}: read, written,
 * kept in the settings file, given to the engine's key sites at once and again after a restart,
 * and refused with the right code when it cannot be.
 */
@Timeout(60)
class OldVersionGraceSettingTest {
    @TempDir
    Path temp;
    private StateDir state;
    private EngineDaemon daemon;
    private EngineClient client;

    @BeforeEach
    void start() throws Exception {
        state = new StateDir(temp.resolve("home"));
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private Duration engineGrace() {
        return daemon.engine().keySites().timing().oldVersionGrace();
    }

    private JsonNode set(String field, Object value) throws Exception {
        return client.request("settings.set", Json.MAPPER.valueToTree(java.util.Map.of(field, value)));
    }

    @Test
    void theGraceRoundTripsAndReachesTheEngine() throws Exception {
        assertEquals(24, client.request("settings.get", null).path("oldVersionGraceHours").asInt(), "a day by default");
        assertEquals(Duration.ofHours(24), engineGrace());

        JsonNode zero = set("oldVersionGraceHours", 0);
        assertEquals(0, zero.path("oldVersionGraceHours").asInt());
        assertTrue(zero.path("keepSeeding").asBoolean(), "the other settings are left as they were");
        assertEquals(0, client.request("settings.get", null).path("oldVersionGraceHours").asInt());
        assertEquals(UpdateTiming.UNTIL_COPIED, engineGrace(), "0: only a copy elsewhere retires");
        assertTrue(Files.readString(state.settings()).contains("\"oldVersionGraceHours\" : 0"));

        assertEquals(48, set("oldVersionGraceHours", 48).path("oldVersionGraceHours").asInt());
        assertEquals(Duration.ofHours(48), engineGrace());

        client.close();
        daemon.close();
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
        assertEquals(48, client.request("settings.get", null).path("oldVersionGraceHours").asInt(), "kept across a restart");
        assertEquals(Duration.ofHours(48), engineGrace());
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() throws Exception {
        set("oldVersionGraceHours", 12);
        for (long bad : new long[] {-1, 8761, 10_000_000_000L}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> set("oldVersionGraceHours", bad));
            assertEquals(ErrorCode.BAD_SETTING, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("0 (until another peer holds the new version) to 8760"), e.getMessage());
        }
        for (Object wrongType : new Object[] {1.5, "24", true}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> set("oldVersionGraceHours", wrongType));
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), e.getMessage());
        }
        assertEquals(12, client.request("settings.get", null).path("oldVersionGraceHours").asInt());
        assertEquals(Duration.ofHours(12), engineGrace());
        assertFalse(Files.readString(state.settings()).contains("8761"));
    }
}
