package org.bitweb.daemon;

import org.bitweb.engine.EngineOptions;
import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.Base32;
import org.bitweb.messaging.EngineClient;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.messaging.Protocol;
import org.bitweb.json.Json;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.bitweb.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine as the CLI and the browser's host reach it: a real daemon (bt runtime, gateway on
 * loopback, control socket) spoken to over its Unix socket, and sites fetched back through the
 * real gateway.
 */
class EngineDaemonTest {
    static final int BAD_REQUEST = 3;
    static final int NOT_FOUND = 6;
    static final int PUBLISH_FAILED = 8;
    static final int BAD_ADDRESS = 9;

    @TempDir
    static Path tmp;
    static StateDir dir;
    static EngineDaemon daemon;
    static EngineClient client;

    static EngineOptions loopback() {
        return new EngineOptions(0, 0, InetAddress.getLoopbackAddress());
    }

    @BeforeAll
    static void start() throws IOException {
        dir = new StateDir(tmp.resolve("home"));
        daemon = EngineDaemon.start(dir, loopback());
        client = EngineClient.connect(dir.socket());
    }

    @AfterAll
    static void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A folder of files with known bytes: path -> content. */
    static Map<String, byte[]> makeSite(Path folder, long seed, int bigBytes) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("index.html", ("<h1>site " + seed + "</h1>").getBytes());
        files.put("sub/page.html", "<p>page</p>".getBytes());
        files.put("sub/deeper/data.json", "{\"a\":[1,2,3]}".getBytes());
        byte[] big = new byte[bigBytes];
        new Random(seed).nextBytes(big);
        files.put("media/blob.bin", big);
        files.put("empty.txt", new byte[0]);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = folder.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return files;
    }

    static JsonNode publish(Path folder, List<JsonNode> progress) throws IOException, ProtocolException {
        return client.request("site.publish", Json.object().put("path", folder.toString()), (event, data) -> {
            if (event.equals("publish.progress")) {
                progress.add(data);
            }
        });
    }

    static int errorCode(String action, String field, String value) throws IOException {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> client.request(action, Json.object().put(field, value)));
        return e.code().code();
    }

    /** The infohash as bt computes it from the torrent the engine stored and seeds. */
    static String btInfohash(String address) throws IOException {
        Torrent torrent = new MetadataService().fromByteArray(Files.readAllBytes(dir.site(address).resolve("site.torrent")));
        return HexFormat.of().formatHex(torrent.getTorrentId().getBytes());
    }

    @Test
    void helloNamesTheProtocolVersionAndTheGateway() throws Exception {
        JsonNode hello = client.request("hello", Json.object().put("client", "test").put("protocol", 1));
        assertEquals(Protocol.VERSION, hello.path("protocol").asInt(), "an older client is told the engine's own version");
        int port = hello.path("gatewayPort").asInt();
        assertTrue(port > 0);
        assertEquals("http://127.0.0.1:" + port, hello.path("gateway").asText());
        assertTrue(hello.path("peerPort").asInt() > 0);
        assertTrue(hello.path("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), hello.toString());
    }

    @Test
    void statusNamesTheStateFolderAndThisProcess() throws Exception {
        JsonNode status = client.request("status", null);
        assertEquals(dir.root().toString(), status.path("home").asText());
        assertEquals(ProcessHandle.current().pid(), status.path("pid").asLong());
        assertTrue(status.path("clients").asInt() >= 1, status.toString());
        assertTrue(status.path("sites").isArray());
    }

    @Test
    void aPublishedSiteIsListedDescribedAndServedByteForByte() throws Exception {
        Path folder = tmp.resolve("first/mysite");
        Map<String, byte[]> files = makeSite(folder, 1, 300_000);
        JsonNode site = publish(folder, new ArrayList<>());
        String address = site.path("address").asText();
        assertEquals(btInfohash(address), address, "the address is the infohash bt computes for the seeded torrent");
        assertEquals("http://" + address + ".bitweb/", site.path("url").asText());
        assertEquals("mysite", site.path("name").asText());
        assertEquals(files.size(), site.path("files").asInt());
        assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), site.path("size").asLong());
        assertTrue(site.path("published").asBoolean() && site.path("seeding").asBoolean(), site.toString());
        assertEquals(1.0, site.path("progress").asDouble());

        List<String> listed = new ArrayList<>();
        client.request("sites.list", null).path("sites").forEach(s -> listed.add(s.path("address").asText()));
        assertTrue(listed.contains(address), listed.toString());

        byte[] raw = HexFormat.of().parseHex(address);
        for (String spelling : List.of(address, address.toUpperCase(), "http://" + address + ".bitweb/",
                address + ".bitweb", Base32.encode(raw))) {
            JsonNode info = client.request("site.info", Json.object().put("address", spelling));
            assertEquals(address, info.path("address").asText(), spelling);
        }

        int port = daemon.engine().gatewayPort();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Http.Reply reply = Http.proxyGet(port, address + ".bitweb", "/" + file.getKey());
            assertEquals(200, reply.status(), file.getKey() + ": " + reply.head());
            assertArrayEquals(file.getValue(), reply.body(), file.getKey());
        }
        Http.Reply home = Http.get(port, address + ".bitweb.localhost:" + port, "/");
        assertEquals(200, home.status(), home.head());
        assertArrayEquals(files.get("index.html"), home.body());
        assertEquals(404, Http.proxyGet(port, address + ".bitweb", "/not-there.html").status());
    }

    @Test
    void publishingReportsProgressBeforeItsReply() throws Exception {
        Path folder = tmp.resolve("progress/site");
        Map<String, byte[]> files = makeSite(folder, 2, 4 * 1024 * 1024);
        long total = files.values().stream().mapToLong(b -> b.length).sum();
        List<JsonNode> progress = new ArrayList<>();
        publish(folder, progress);
        assertTrue(progress.size() >= 2, "a first report early and one at the end: " + progress);
        long last = -1;
        for (JsonNode event : progress) {
            assertEquals(total, event.path("total").asLong(), event.toString());
            assertEquals(folder.toString(), event.path("path").asText());
            assertTrue(event.path("done").asLong() >= last, "progress only grows: " + progress);
            last = event.path("done").asLong();
        }
        assertTrue(progress.get(0).path("done").asLong() < total, "the first report comes before the end: " + progress);
        assertEquals(total, last, "the last report says done");
    }

    @Test
    void publishingTheSameFolderAgainGivesTheSameSiteOnce() throws Exception {
        Path folder = tmp.resolve("again/site");
        makeSite(folder, 3, 1000);
        String first = publish(folder, new ArrayList<>()).path("address").asText();
        String second = publish(folder, new ArrayList<>()).path("address").asText();
        assertEquals(first, second);
        long count = 0;
        for (JsonNode s : client.request("sites.list", null).path("sites")) {
            if (s.path("address").asText().equals(first)) {
                count++;
            }
        }
        assertEquals(1, count);
    }

    @Test
    void badRequestsGetTheirOwnErrorNumbers() throws Exception {
        assertEquals(NOT_FOUND, errorCode("site.info", "address", "0".repeat(40)));
        assertEquals(NOT_FOUND, errorCode("site.info", "address", Base32.encode(new byte[32])));
        assertEquals(BAD_ADDRESS, errorCode("site.info", "address", "not-a-site"));
        assertEquals(BAD_REQUEST, errorCode("site.publish", "path", "relative/folder"));
        assertEquals(PUBLISH_FAILED, errorCode("site.publish", "path", tmp.resolve("no-such-folder").toString()));
        Path file = Files.writeString(tmp.resolve("a-file.txt"), "x");
        assertEquals(PUBLISH_FAILED, errorCode("site.publish", "path", file.toString()));
        Path hiddenOnly = Files.createDirectories(tmp.resolve("hidden-only"));
        Files.writeString(hiddenOnly.resolve(".secret"), "x");
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> client.request("site.publish", Json.object().put("path", hiddenOnly.toString())));
        assertEquals(PUBLISH_FAILED, e.code().code());
        assertTrue(e.getMessage().contains("nothing to publish"), e.getMessage());
        try (var staging = Files.list(dir.sites())) {
            assertTrue(staging.noneMatch(p -> p.getFileName().toString().startsWith(".staging-")),
                    "a failed publish leaves no staging folder");
        }
    }

    /** docs/PROTOCOL.md, looked up from where surefire runs (native-host/). */
    static Path protocolDocs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/PROTOCOL.md"))) {
                return dir.resolve("docs/PROTOCOL.md");
            }
        }
        throw new AssertionError("no docs/PROTOCOL.md above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyActionIsDocumentedAndTheDocsSayTheCurrentVersion() throws IOException {
        Path docs = protocolDocs();
        String text = Files.readString(docs);
        List<String> headings = text.lines().filter(line -> line.startsWith("### ")).toList();
        for (String action : daemon.actions()) {
            assertTrue(headings.stream().anyMatch(h -> h.contains("`" + action + "`")),
                    action + " is answered but docs/PROTOCOL.md has no section for it");
        }
        assertTrue(text.contains("Version **" + Protocol.VERSION + "**"), "docs/PROTOCOL.md names the current version");
        List<String> rows = text.lines().filter(line -> line.matches("\\| \\d+ \\| .*")).toList();
        assertTrue(rows.get(rows.size() - 1).startsWith("| " + Protocol.VERSION + " |"),
                "docs/PROTOCOL.md's Versions table ends with what version " + Protocol.VERSION + " changed");
    }

    @Test
    void theActionsVersionTwoRemovedAreUnknownNotSilent() {
        for (String removed : List.of("fetch", "system.proxy")) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> client.request(removed, Json.object().put("url", "http://" + "0".repeat(40) + ".bitweb/")));
            assertEquals(ErrorCode.UNKNOWN_ACTION, e.code(), removed);
        }
    }

    @Test
    void aSecondEngineForTheSameFolderIsRefusedAndTheFirstKeepsWorking() throws Exception {
        assertThrows(EngineDaemon.EngineRunningException.class, () -> EngineDaemon.start(dir, loopback()));
        assertEquals(Protocol.VERSION, client.request("hello", null).path("protocol").asInt());
        try (EngineClient another = EngineClient.connect(dir.socket())) {
            assertEquals(ProcessHandle.current().pid(), another.request("status", null).path("pid").asLong());
        }
    }

    @Test
    void aServeProcessIsRefusedWhileAnEngineRunsEvenAfterAFailedStartInTheEnginesProcess(@TempDir Path own)
            throws Exception {
        StateDir home = new StateDir(own.resolve("home"));
        try (EngineDaemon running = EngineDaemon.start(home, loopback())) {
            // A refused attempt in the same JVM closes a channel on the lock file; on Linux closing
            // any descriptor of a file drops the process's lock on it, so the refusal must not touch one.
            assertThrows(EngineDaemon.EngineRunningException.class, () -> EngineDaemon.start(home, loopback()));
            Path stderr = own.resolve("serve.err");
            Process serve = ChildJava.start(stderr, "--home", home.root().toString(), "serve",
                    "--gateway-port", "0", "--peer-port", "0", "--peer-bind", "127.0.0.1");
            serve.getOutputStream().close();
            try {
                Await.until("the serve process to end or to start a second engine", Duration.ofSeconds(30),
                        () -> !serve.isAlive() || read(stderr).contains("engine up"));
            } finally {
                if (serve.isAlive()) {
                    serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            String err = read(stderr);
            assertTrue(!err.contains("engine up"), "a second engine started for the same state folder; its stderr: " + err);
            assertEquals(3, serve.exitValue(), "exit code 3: an engine is in the way; " + err);
            assertTrue(err.contains("already running"), err);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theControlSocketAndTheStateFolderAreTheOwnersOnly() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.socket())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.root())));
        try (var left = Files.list(dir.root())) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".sock-")).toList(),
                    "the socket was bound in a private folder and moved into place; the folder is gone");
        }
    }

    @Test
    void sitesAndTheirBytesSurviveARestart(@TempDir Path own) throws Exception {
        StateDir home = new StateDir(own.resolve("home"));
        Map<String, byte[]> files = makeSite(own.resolve("site"), 4, 50_000);
        String address;
        try (EngineDaemon first = EngineDaemon.start(home, loopback());
             EngineClient c = EngineClient.connect(home.socket())) {
            assertEquals(0, c.request("sites.list", null).path("sites").size(), "a new engine has no sites");
            address = c.request("site.publish", Json.object().put("path", own.resolve("site").toString()))
                    .path("address").asText();
            assertTrue(Files.exists(home.engineInfo()), "engine.json tells others where the gateway is");
        }
        assertTrue(Files.notExists(home.engineInfo()), "a stopped engine removes engine.json");
        try (EngineDaemon second = EngineDaemon.start(home, loopback());
             EngineClient c = EngineClient.connect(home.socket())) {
            JsonNode sites = c.request("sites.list", null).path("sites");
            assertEquals(1, sites.size(), sites.toString());
            assertEquals(address, sites.get(0).path("address").asText());
            int port = second.engine().gatewayPort();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                assertArrayEquals(file.getValue(), Http.proxyGet(port, address + ".bitweb", "/" + file.getKey()).body(),
                        file.getKey());
            }
        }
    }
}
