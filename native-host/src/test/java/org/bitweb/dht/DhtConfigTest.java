package org.bitweb.dht;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DhtConfigTest {
    private static final InetAddress ANY = DhtConfig.anyAddress();

    @Test
    void defaultsJoinThroughTheMainlineRouters() {
        DhtConfig config = DhtConfig.defaults();
        assertEquals(List.of("router.bittorrent.com:6881", "dht.transmissionbt.com:6881", "router.utorrent.com:6881"),
                config.bootstrapNodes().stream().map(BootstrapNode::toString).toList());
        assertTrue(config.bindAddress().isAnyLocalAddress());
        assertEquals(DhtConfig.DEFAULT_PORT, config.port());
    }

    @Test
    void portMustBeAUdpPort() {
        assertThrows(IllegalArgumentException.class, () -> new DhtConfig(ANY, -1, List.of(), null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DhtConfig(ANY, 65536, List.of(), null));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
        assertEquals(0, new DhtConfig(ANY, 0, List.of(), null).port());
    }

    @Test
    void loopbackIsRefusedBecauseMldhtWouldNeverFindAnybody() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DhtConfig(InetAddress.getByName("127.0.0.1"), 0, List.of(), null));
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    void theNodeIsIpv4Only() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DhtConfig(InetAddress.getByName("2001:db8::1"), 0, List.of(), null));
        assertTrue(e.getMessage().contains("IPv4"), e.getMessage());
    }

    @Test
    void stateFileMustNotBeAFolder(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DhtConfig(ANY, 0, List.of(), dir));
        assertTrue(e.getMessage().contains("folder"), e.getMessage());
        assertEquals(dir.resolve("dht.json"), new DhtConfig(ANY, 0, List.of(), dir.resolve("dht.json")).stateFile());
    }

    @Test
    void bootstrapListIsCopied() {
        List<BootstrapNode> nodes = new ArrayList<>(List.of(BootstrapNode.parse("198.18.0.1:6881")));
        DhtConfig config = new DhtConfig(ANY, 0, nodes, null);
        nodes.clear();
        assertEquals(1, config.bootstrapNodes().size());
        assertThrows(NullPointerException.class, () -> new DhtConfig(ANY, 0, null, null));
    }

    @Test
    void bootstrapNodesParse() {
        assertEquals(new BootstrapNode("router.bittorrent.com", 6881), BootstrapNode.parse("router.bittorrent.com:6881"));
        assertEquals(new BootstrapNode("198.18.0.1", 1), BootstrapNode.parse(" 198.18.0.1:1 "));
        assertEquals(new BootstrapNode("2001:db8::1", 6881), BootstrapNode.parse("[2001:db8::1]:6881"));
        assertEquals("[2001:db8::1]:6881", BootstrapNode.parse("[2001:db8::1]:6881").toString());
        assertEquals("example.org:80", BootstrapNode.parse("Example.ORG:80").toString());
    }

    @Test
    void badBootstrapNodesAreRefusedWithTheirText() {
        for (String bad : new String[]{"", "host", "host:", ":6881", "host:0", "host:65536", "host:http", "2001:db8::1:6881",
                "a b:1", "user@host:1", "host/path:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BootstrapNode.parse(bad), bad);
            assertTrue(!e.getMessage().isBlank(), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> BootstrapNode.parse(null));
    }
}
