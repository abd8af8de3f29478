package org.bitweb.nat;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.interop.Tools;
import org.bitweb.messaging.EngineClient;
import org.bitweb.site.Publisher;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.testing.Await;
import org.bitweb.testing.ChildJava;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Port mapping against a real gateway: Debian's miniupnpd (nftables backend) in a router
 * namespace between a LAN namespace, where {@code bitweb serve} runs exactly as a user starts
 * it, and a WAN namespace with a peer outside (src/test/resources/nat/natlab.sh). For each of
 * UPnP IGD, PCP and NAT-PMP: the engine maps its peer port (TCP) and DHT port (UDP), miniupnpd's
 * lease file and nftables rules show the mappings, a peer outside reaches the engine through the
 * router's outside address, the mapping is renewed before its lease ends, and it is gone once the
 * engine stopped. Without miniupnpd the engine says "not mapped" and what to do.
 */
class NatLabTest {
    private static final Duration UP = Duration.ofSeconds(60);
    private static final int PEER_PORT = 47801;
    private static final int DHT_PORT = 47802;
    /** Short, so a renewal (at half the lease) is seen within the test. */
    private static final int LEASE_SECONDS = 8;

    @TempDir
    static Path dir;
    private static Process lab;
    private static String lanPid;
    private static String routerPid;
    private static String wanPid;
    private static Path miniupnpd;
    private static StateDir state;
    private static String infohash;
    private static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void buildTheLab() throws Exception {
        Path unshare = Tools.assumeBinary("unshare", "util-linux");
        Tools.assumeBinary("nsenter", "util-linux");
        Tools.assumeBinary("setpriv", "util-linux");
        Tools.assumeBinary("python3", "python3");
        miniupnpd = sbin("miniupnpd", "miniupnpd-nftables");
        sbin("nft", "nftables");
        sbin("ip", "iproute2");
        lab = new ProcessBuilder(unshare.toString(), "-rn", "sh", resource("natlab.sh").toString(), dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("natlab.log").toFile()).start();
        Await.until("the lab's namespaces", UP, () -> {
            if (!lab.isAlive()) {
                throw new AssertionError("natlab.sh failed: " + read(dir.resolve("natlab.log")));
            }
            return Files.exists(dir.resolve("ready"));
        });
        lanPid = String.valueOf(lab.pid());
        routerPid = Files.readString(dir.resolve("router.pid")).strip();
        wanPid = Files.readString(dir.resolve("wan.pid")).strip();

        state = new StateDir(dir.resolve("state")).create();
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>reachable</h1>");
        infohash = Publisher.publish(state, SiteStore.open(state), site, (done, total) -> { }).infohash();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (lab != null) {
            lab.destroyForcibly(); // the router and wan holders die with it, and the namespaces with them
            lab.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAGatewayTheEngineSaysNotMappedAndWhatToDo() throws Exception {
        Process engine = engine("pcp,natpmp,upnp");
        try {
            JsonNode reach = awaitReach(engine, r -> !r.path("state").asText().equals("unknown"));
            assertEquals("not-mapped", reach.path("state").asText(), reach.toString());
            String advice = reach.path("advice").asText();
            assertTrue(advice.contains("forward TCP port 47801 and UDP port 47802") && advice.contains("10.77.0.2"), advice);
            assertTrue(advice.contains("bitweb serve"), "names the server way out: " + advice);
        } finally {
            stop(engine);
        }
    }

    @Test
    void upnpIgd() throws Exception {
        mapsRenewsAndRemoves("upnp", "UPnP IGD");
    }

    @Test
    void pcp() throws Exception {
        mapsRenewsAndRemoves("pcp", "PCP");
    }

    @Test
    void natPmp() throws Exception {
        mapsRenewsAndRemoves("natpmp", "NAT-PMP");
    }

    private void mapsRenewsAndRemoves(String methods, String method) throws Exception {
        Process gateway = startMiniupnpd();
        Process engine = null;
        try {
            engine = engine(methods);
            JsonNode reach = awaitReach(engine, r -> r.path("state").asText().equals("mapped"));
            assertEquals(method, reach.path("method").asText(), reach.toString());
            assertEquals("6.0.0.1", reach.path("externalAddress").asText(), "the router's outside address: " + reach);
            assertEquals(PEER_PORT, reach.path("tcpPort").asInt());
            assertEquals(DHT_PORT, reach.path("udpPort").asInt());
            assertTrue(reach.path("advice").isNull(), reach.toString());

            // miniupnpd's own state: the lease file, and the nftables rules it manages
            Path leases = dir.resolve("leases");
            Await.until("both mappings in miniupnpd's lease file", UP, () -> lease("TCP", PEER_PORT) != null
                    && lease("UDP", DHT_PORT) != null);
            assertTrue(lease("TCP", PEER_PORT).startsWith("TCP:47801:10.77.0.2:47801:"), read(leases));
            String rules = router("nft", "list", "ruleset");
            assertTrue(rules.contains("dnat ip to 10.77.0.2:47801"), rules);
            assertTrue(rules.contains("dnat ip to 10.77.0.2:47802"), rules);

            // a peer outside reaches the engine through the router: it answers a handshake for the site
            String answer = wan("python3", resource("handshake.py").toString(), "6.0.0.1", String.valueOf(PEER_PORT), infohash);
            assertEquals(infohash, answer.strip(), "the engine answered through the mapped port");

            // renewed before the lease ends: miniupnpd's expiry time moves on
            String first = lease("TCP", PEER_PORT);
            Await.until("a renewal (lease " + LEASE_SECONDS + " s, renewed at half)", Duration.ofSeconds(4L * LEASE_SECONDS),
                    () -> {
                        String now = lease("TCP", PEER_PORT);
                        return now != null && !now.equals(first);
                    });
            assertEquals("mapped", status().path("reachability").path("state").asText());

            // a clean stop removes the mappings
            stop(engine);
            assertNull(lease("TCP", PEER_PORT), read(leases));
            assertNull(lease("UDP", DHT_PORT), read(leases));
            String after = router("nft", "list", "ruleset");
            assertFalse(after.contains("10.77.0.2:47801"), after);
        } finally {
            if (engine != null && engine.isAlive()) {
                engine.destroyForcibly();
                engine.waitFor(30, TimeUnit.SECONDS);
            }
            gateway.destroy();
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS));
            Files.deleteIfExists(dir.resolve("leases"));
        }
    }

    private static Process startMiniupnpd() throws IOException {
        Process p = new ProcessBuilder(nsenter(routerPid, miniupnpd.toString(), "-d", "-f", dir.resolve("miniupnpd.conf").toString(),
                "-P", dir.resolve("miniupnpd.pid").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("miniupnpd.log").toFile())).start();
        started.add(p);
        Await.until("miniupnpd to listen", UP, () -> {
            if (!p.isAlive()) {
                throw new AssertionError("miniupnpd exited: " + read(dir.resolve("miniupnpd.log")));
            }
            return read(dir.resolve("miniupnpd.log")).contains("HTTP listening on port");
        });
        return p;
    }

    /** {@code bitweb serve} in the LAN namespace, as a user starts it, with a DHT that knows no one. */
    private static Process engine(String methods) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", lanPid, "-U", "-n", "--preserve-credentials"));
        command.addAll(ChildJava.command("--home", state.root().toString(), "serve", "--gateway-port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("engine.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("BITWEB_DHT");
        builder.environment().put("BITWEB_DHT_BOOTSTRAP", "");
        builder.environment().put("BITWEB_LAN", "off");
        builder.environment().put("BITWEB_PORTMAP", methods);
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Dbitweb.portMappingLeaseSeconds=" + LEASE_SECONDS);
        Process p = builder.start();
        started.add(p);
        return p;
    }

    private static void stop(Process engine) throws InterruptedException {
        engine.destroy(); // SIGTERM, as systemctl stop or a logout sends: the shutdown hook closes the engine
        assertTrue(engine.waitFor(60, TimeUnit.SECONDS), "the engine stops");
    }

    private static JsonNode awaitReach(Process engine, java.util.function.Predicate<JsonNode> done) {
        JsonNode[] reach = new JsonNode[1];
        Await.until("the engine's reachability", UP, () -> {
            if (!engine.isAlive()) {
                throw new AssertionError("the engine exited " + engine.exitValue() + ": " + read(dir.resolve("engine.log")));
            }
            try {
                reach[0] = status().path("reachability");
                return done.test(reach[0]);
            } catch (Exception notYet) {
                return false;
            }
        });
        return reach[0];
    }

    private static JsonNode status() throws Exception {
        try (EngineClient client = EngineClient.connect(state.socket())) {
            return client.request("status", null);
        }
    }

    /** miniupnpd's lease line for a port ("TCP:47801:10.77.0.2:47801:<expiry>:<description>"), or null. */
    private static String lease(String protocol, int port) {
        for (String line : read(dir.resolve("leases")).split("\n")) {
            if (line.startsWith(protocol + ":" + port + ":")) {
                return line;
            }
        }
        return null;
    }

    private static String router(String... command) throws Exception {
        return run(nsenter(routerPid, command));
    }

    private static String wan(String... command) throws Exception {
        return run(nsenter(wanPid, command));
    }

    private static List<String> nsenter(String pid, String... command) {
        List<String> all = new ArrayList<>(List.of("nsenter", "-t", pid, "-U", "-n", "--preserve-credentials"));
        all.addAll(List.of(command));
        return all;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finishes: " + command);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    private static Path sbin(String name, String debianPackage) {
        for (String folder : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(folder, name))) {
                return Path.of(folder, name);
            }
        }
        return Tools.assumeBinary(name, debianPackage);
    }

    private static Path resource(String name) throws Exception {
        return Path.of(NatLabTest.class.getResource("/nat/" + name).toURI());
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
