package org.bitweb.daemon;

import org.bitweb.engine.EngineOptions;
import org.bitweb.updates.KeySites;
import org.bitweb.updates.UpdatableSiteTestnetTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.SiteAddress;
import org.bitweb.keys.KeyRing;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Http;
import org.bitweb.updates.MutableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key sites through the protocol and the gateway of an engine without a DHT: publishing under a
 * key, the site list, the item cache that survives a restart, and the mistakes a client can make.
 */
@Timeout(60)
class KeySiteProtocolTest {
    @TempDir
    Path temp;
    private StateDir state;
    private EngineDaemon daemon;
    private EngineClient client;
    private Path folder;

    @BeforeEach
    void start() throws Exception {
        state = new StateDir(temp.resolve("home"));
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
        folder = Files.createDirectories(temp.resolve("blog"));
        Files.writeString(folder.resolve("index.html"), "<h1>one</h1>");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        daemon.close();
    }

    private JsonNode publish(String key, String salt) throws Exception {
        var request = Json.object().put("path", folder.toString()).put("key", key);
        if (salt != null) {
            request.put("salt", salt);
        }
        return client.request("site.publish", request);
    }

    @Test
    void publishingUnderAKeyMakesTheKeyAndServesTheSiteByIt() throws Exception {
        JsonNode v1 = publish("blog", null);
        String address = v1.path("address").asText();
        assertTrue(address.matches("[a-z2-7]{52}"), address);
        assertEquals(1, v1.path("seq").asLong());
        assertEquals("blog", v1.path("key").asText());
        assertTrue(v1.path("signed").asBoolean());
        assertTrue(v1.path("published").asBoolean());
        assertTrue(KeyRing.of(state).exists("blog"), "the key was made");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(KeyRing.of(state).keyFile("blog"))));

        SiteAddress site = SiteAddress.parseHostPart(address);
        Http.Reply page = Http.proxyGet(daemon.engine().gatewayPort(), site.host(), "/");
        assertEquals(200, page.status(), page.text());
        assertEquals("<h1>one</h1>", page.text());

        Files.writeString(folder.resolve("index.html"), "<h1>two</h1>");
        JsonNode v2 = publish("blog", null);
        assertEquals(address, v2.path("address").asText());
        assertEquals(2, v2.path("seq").asLong());
        assertNotEquals(v1.path("infohash").asText(), v2.path("infohash").asText());
        Http.Reply updated = Http.proxyGet(daemon.engine().gatewayPort(), site.host(), "/");
        assertEquals("<h1>two</h1>", updated.text(), "the publisher's own gateway shows the new version at once");
        assertNotEquals(UpdatableSiteTestnetTest.header(page, "ETag"), UpdatableSiteTestnetTest.header(updated, "ETag"));

        JsonNode sites = client.request("sites.list", null).path("sites");
        assertEquals(1, sites.size(), "one key site, not two torrents: " + sites);
        assertEquals(address, sites.get(0).path("address").asText());
        assertEquals(v2.path("infohash").asText(), sites.get(0).path("infohash").asText());
        assertEquals(2, sites.get(0).path("seq").asLong());
        assertEquals(address, client.request("site.info", Json.object().put("address", site.url())).path("address").asText());
    }

    @Test
    void theSignedItemIsCachedAndTheSiteServedAfterARestart() throws Exception {
        JsonNode v1 = publish("blog", "photos");
        String address = v1.path("address").asText();
        assertTrue(address.startsWith("photos."), address);
        SiteAddress site = SiteAddress.parseHostPart(address);
        Path cached = MutableStore.folder(state).resolve(address + ".json");
        assertTrue(Files.exists(cached), "cached at " + cached);
        assertTrue(Files.readString(cached).contains("\"signature\""));

        client.close();
        daemon.close();
        daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()));
        client = EngineClient.connect(state.socket());
        Http.Reply page = Http.proxyGet(daemon.engine().gatewayPort(), site.host(), "/");
        assertEquals(200, page.status(), page.text());
        assertEquals(address, client.request("sites.list", null).path("sites").get(0).path("address").asText());
        // the subdomain form of a salted site
        Http.Reply sub = Http.get(daemon.engine().gatewayPort(), address + ".bitweb.localhost:" + daemon.engine().gatewayPort(), "/");
        assertEquals(200, sub.status(), sub.text());
    }

    @Test
    void aKeySiteNobodyHeardOfIsNotFoundWithoutADht() throws Exception {
        SiteAddress unknown = org.bitweb.keys.SiteKey.generate("x").address();
        Http.Reply page = Http.proxyGet(daemon.engine().gatewayPort(), unknown.host(), "/");
        assertEquals(404, page.status());
        assertTrue(page.text().contains("needs the DHT"), page.text());
    }

    @Test
    void seedUnseedAndRemoveWorkOnKeySites() throws Exception {
        String address = publish("blog", null).path("address").asText();
        assertFalse(client.request("site.unseed", Json.object().put("address", address)).path("seeding").asBoolean());
        assertTrue(client.request("site.seed", Json.object().put("address", address)).path("seeding").asBoolean());
        JsonNode removed = client.request("site.remove", Json.object().put("address", address));
        assertTrue(removed.path("freed").asLong() > 0, removed.toString());
        assertEquals(0, client.request("sites.list", null).path("sites").size());
        assertTrue(KeyRing.of(state).exists("blog"), "removing the site keeps the key");
    }

    @Test
    void mistakesAreRefusedClearly() throws Exception {
        ProtocolException saltWithoutKey = assertThrows(ProtocolException.class, () -> client.request("site.publish",
                Json.object().put("path", folder.toString()).put("salt", "x")));
        assertEquals(ErrorCode.BAD_REQUEST, saltWithoutKey.code());
        ProtocolException badName = assertThrows(ProtocolException.class, () -> publish("../evil", null));
        assertEquals(ErrorCode.BAD_REQUEST, badName.code());
        ProtocolException longSalt = assertThrows(ProtocolException.class, () -> publish("blog", "\u00e9".repeat(40)));
        assertEquals(ErrorCode.BAD_REQUEST, longSalt.code());
        assertFalse(KeyRing.of(state).exists("blog"), "nothing was made for a refused request");
    }

    @Test
    void olderVersionsAreKeptForTheGracePeriodThenRemoved() throws Exception {
        JsonNode v1 = publish("blog", null);
        Files.writeString(folder.resolve("index.html"), "<h1>two</h1>");
        JsonNode v2 = publish("blog", null);
        String old = v1.path("infohash").asText();
        KeySites keySites = daemon.engine().keySites();
        SiteAddress site = SiteAddress.parseHostPart(v2.path("address").asText());
        assertEquals(java.util.List.of(old), keySites.record(site).orElseThrow().previous());
        assertEquals(java.util.List.of(), keySites.retireOldVersions(), "within the grace period (a day by default)");
        assertTrue(Files.exists(state.site(old)));

        keySites.timing(org.bitweb.updates.UpdateTiming.DEFAULTS.withOldVersionGrace(java.time.Duration.ZERO));
        assertEquals(java.util.List.of(old), keySites.retireOldVersions());
        assertFalse(Files.exists(state.site(old)), "the old version's files are gone");
        assertTrue(keySites.record(site).orElseThrow().previous().isEmpty());
        assertEquals("<h1>two</h1>", Http.proxyGet(daemon.engine().gatewayPort(), site.host(), "/").text());
        assertEquals(1, client.request("sites.list", null).path("sites").size());
    }
}
