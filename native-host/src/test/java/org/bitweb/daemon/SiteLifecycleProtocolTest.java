package org.bitweb.daemon;

import org.bitweb.engine.EngineOptions;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.json.Json;
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
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol's site methods against a real engine: seed, unseed, remove, settings. */
@Timeout(60)
class SiteLifecycleProtocolTest {
    @TempDir
    Path temp;
    private EngineDaemon daemon;
    private EngineClient client;
    private StateDir state;
    private byte[] big;
    private String address;

    @BeforeEach
    void start() throws Exception {
        state = new StateDir(temp.resolve("home"));
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
        Path site = Files.createDirectories(temp.resolve("site/sub"));
        Files.writeString(site.resolve("index.html"), "<p>sub page</p>");
        big = new byte[1_300_000];
        new Random(5).nextBytes(big);
        Files.write(site.getParent().resolve("big.bin"), big);
        Files.writeString(site.getParent().resolve("index.html"), "<h1>home</h1>");
        address = client.request("site.publish", Json.object().put("path", site.getParent().toString())).path("address").asText();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private JsonNode call(String action, String field, String value) throws Exception {
        return client.request(action, Json.object().put(field, value));
    }

    @Test
    void unseedStopsSharingButKeepsTheSiteAndSeedStartsAgain() throws Exception {
        assertFalse(call("site.unseed", "address", address).path("seeding").asBoolean());
        JsonNode listed = client.request("sites.list", null).path("sites").get(0);
        assertFalse(listed.path("seeding").asBoolean());
        assertTrue(call("site.seed", "address", address).path("seeding").asBoolean());
        assertTrue(client.request("sites.list", null).path("sites").get(0).path("seeding").asBoolean());
    }

    @Test
    void removeDeletesTheFilesAndSaysHowMuchItFreed() throws Exception {
        JsonNode reply = call("site.remove", "address", "http://" + address + ".bitweb/");
        assertTrue(reply.path("freed").asLong() >= big.length, reply.toString());
        assertFalse(Files.exists(state.site(address)), "the site's folder is gone");
        assertEquals(0, client.request("sites.list", null).path("sites").size());
        ProtocolException again = assertThrows(ProtocolException.class, () -> call("site.remove", "address", address));
        assertEquals(ErrorCode.NOT_FOUND, again.code());
    }

    @Test
    void settingsPersistAndBadValuesAreRefused() throws Exception {
        assertTrue(client.request("settings.get", null).path("keepSeeding").asBoolean(), "keeps seeding by default");
        JsonNode set = client.request("settings.set", Json.object().put("keepSeeding", false).put("storageLimitBytes", 1_000_000));
        assertFalse(set.path("keepSeeding").asBoolean());
        assertEquals(1_000_000, set.path("storageLimitBytes").asLong());
        assertTrue(Files.readString(state.settings()).contains("\"keepSeeding\" : false"));
        ProtocolException negative = assertThrows(ProtocolException.class,
                () -> client.request("settings.set", Json.object().put("storageLimitBytes", -5)));
        assertEquals(ErrorCode.BAD_SETTING, negative.code());
        ProtocolException wrongType = assertThrows(ProtocolException.class,
                () -> client.request("settings.set", Json.object().put("keepSeeding", "yes")));
        assertEquals(ErrorCode.BAD_REQUEST, wrongType.code());
        assertEquals(1_000_000, client.request("settings.get", null).path("storageLimitBytes").asLong(), "unchanged by refused sets");
    }

    @Test
    void lanDiscoveryIsOnByDefaultAndASettingButNeverRunsOnALoopbackPeerPort() throws Exception {
        assertTrue(client.request("settings.get", null).path("lanDiscovery").asBoolean(), "on by default");
        assertFalse(client.request("status", null).path("lanDiscovery").asBoolean(), "a loopback peer port: nobody to tell");
        JsonNode off = client.request("settings.set", Json.object().put("lanDiscovery", false));
        assertFalse(off.path("lanDiscovery").asBoolean());
        assertTrue(off.path("keepSeeding").asBoolean(), "the other settings stay");
        assertTrue(Files.readString(state.settings()).contains("\"lanDiscovery\" : false"));
        assertFalse(client.request("settings.get", null).path("lanDiscovery").asBoolean());
        ProtocolException wrongType = assertThrows(ProtocolException.class,
                () -> client.request("settings.set", Json.object().put("lanDiscovery", "no")));
        assertEquals(ErrorCode.BAD_REQUEST, wrongType.code());
        assertTrue(client.request("settings.set", Json.object().put("lanDiscovery", true)).path("lanDiscovery").asBoolean());
        assertFalse(client.request("status", null).path("lanDiscovery").asBoolean(), "still loopback");
    }

    @Test
    void unknownSitesAndBadAddressesGetTheirCodes() {
        ProtocolException unknown = assertThrows(ProtocolException.class,
                () -> call("site.seed", "address", "0123456789abcdef0123456789abcdef01234567"));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        ProtocolException bad = assertThrows(ProtocolException.class, () -> call("site.unseed", "address", "not-a-site"));
        assertEquals(ErrorCode.BAD_ADDRESS, bad.code());
    }
}
