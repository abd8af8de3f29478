package org.bitweb.dht;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DhtStateFileTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DhtStateFile.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private static InetSocketAddress node(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void nodesSurviveAWriteAndARead() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        List<InetSocketAddress> nodes = List.of(node("198.18.0.1", 6881), node("203.0.113.7", 51413), node("8.8.4.4", 1));
        DhtStateFile.write(file, nodes);
        assertEquals(nodes, DhtStateFile.read(file));
        assertTrue(warnings().isEmpty(), warnings().toString());
    }

    @Test
    void theFileIsSmallReadableJson() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        DhtStateFile.write(file, List.of(node("198.18.0.1", 6881)));
        String json = Files.readString(file);
        assertTrue(json.contains("\"format\" : \"bitweb-dht-nodes\""), json);
        assertTrue(json.contains("\"198.18.0.1:6881\""), json);
        assertTrue(json.contains("\"saved\""), json);
    }

    @Test
    void aWriteReplacesTheOldFileAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        DhtStateFile.write(file, List.of(node("198.18.0.1", 6881)));
        DhtStateFile.write(file, List.of(node("198.18.0.2", 6882)));
        assertEquals(List.of(node("198.18.0.2", 6882)), DhtStateFile.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aWriteCreatesMissingFolders() throws Exception {
        Path file = dir.resolve("state/dht/dht-nodes.json");
        DhtStateFile.write(file, List.of(node("198.18.0.1", 6881)));
        assertEquals(1, DhtStateFile.read(file).size());
    }

    @Test
    void onlyIpv4NodesWithPortsAreWrittenOnceEach() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        DhtStateFile.write(file, List.of(node("198.18.0.1", 6881), node("198.18.0.1", 6881), node("2001:db8::1", 6881)));
        assertEquals(List.of(node("198.18.0.1", 6881)), DhtStateFile.read(file));
    }

    @Test
    void atMostMaxNodesAreKept() throws Exception {
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i < DhtStateFile.MAX_NODES + 50; i++) {
            many.add(node("198.18." + (i / 250) + "." + (i % 250 + 1), 6881));
        }
        Path file = dir.resolve("dht-nodes.json");
        DhtStateFile.write(file, many);
        assertEquals(many.subList(0, DhtStateFile.MAX_NODES), DhtStateFile.read(file));
    }

    @Test
    void aMissingFileIsAFirstRunNotAnError() {
        assertEquals(List.of(), DhtStateFile.read(dir.resolve("absent.json")));
        assertTrue(warnings().isEmpty(), warnings().toString());
    }

    @Test
    void aCorruptFileIsIgnoredWithAWarning() throws Exception {
        String[] corrupt = {
                "",
                "\u0000\u0001garbage",
                "{\"format\": \"bitweb-dht-nodes\", \"version\": 1, \"nodes\": [\"198.18.0.1:6881\"",
                "[\"198.18.0.1:6881\"]",
                "{\"format\": \"something-else\", \"version\": 1, \"nodes\": []}",
                "{\"format\": \"bitweb-dht-nodes\", \"version\": 99, \"nodes\": []}",
                "{\"format\": \"bitweb-dht-nodes\", \"version\": 1, \"nodes\": \"198.18.0.1:6881\"}",
                "d9:mainEntriesle12:replacementslee", // mldht's own cache format
        };
        Path file = dir.resolve("dht-nodes.json");
        for (String content : corrupt) {
            log.list.clear();
            Files.writeString(file, content, StandardCharsets.ISO_8859_1);
            assertEquals(List.of(), DhtStateFile.read(file), content);
            assertEquals(1, warnings().size(), content);
            assertTrue(warnings().get(0).contains(file.toString()), warnings().get(0));
            assertTrue(warnings().get(0).contains("bootstrap afresh"), warnings().get(0));
        }
    }

    @Test
    void malformedEntriesAreSkippedAndTheRestKept() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        Files.writeString(file, """
                {"format": "bitweb-dht-nodes", "version": 1, "nodes": [
                  "198.18.0.1:6881", "198.18.0.2", "198.18.0.3:0", "198.18.0.4:70000", "256.1.1.1:6881",
                  "router.bittorrent.com:6881", "[2001:db8::1]:6881", 42, null, "1.2.3:6881", "198.18.0.5:6882"]}
                """);
        assertEquals(List.of(node("198.18.0.1", 6881), node("198.18.0.5", 6882)), DhtStateFile.read(file));
        assertEquals(1, warnings().size(), warnings().toString());
        assertTrue(warnings().get(0).contains("9"), warnings().get(0));
    }

    @Test
    void anOversizedFileIsNotRead() throws Exception {
        Path file = dir.resolve("dht-nodes.json");
        Files.write(file, new byte[(int) DhtStateFile.MAX_BYTES + 1]);
        assertEquals(List.of(), DhtStateFile.read(file));
        assertEquals(1, warnings().size());
    }

    @Test
    void ipv4EndpointsAreParsedWithoutNameLookups() throws Exception {
        assertEquals(node("1.2.3.4", 5), DhtStateFile.parseIpv4Endpoint("1.2.3.4:5"));
        for (String bad : new String[]{"localhost:1", "1.2.3.4", "1.2.3.4:", "01234.1.1.1:1", "1.2.3.4:-1", "1.2.3.4:+1",
                "1..3.4:1", "1.2.3.4.5:1", "x.2.3.4:1", "1.2.3.4:123456"}) {
            assertEquals(null, DhtStateFile.parseIpv4Endpoint(bad), bad);
        }
    }
}
