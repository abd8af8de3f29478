package org.bitweb.dht;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.store.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The DHT's memory between runs: the addresses of nodes that answered us, so a restart can rejoin
 * without the bootstrap routers. A small JSON file:
 *
 * <pre>{"format": "bitweb-dht-nodes", "version": 1, "saved": "2026-01-01T00:00:00Z",
 *  "nodes": ["198.18.0.3:6881", ...]}</pre>
 *
 * Writes are atomic (temporary file, then rename). A file that cannot be read is ignored with a
 * warning, never fatal: the node then bootstraps as if new. Node IDs are not kept (the node takes a
 * fresh ID each run, so the file links no two runs in the eyes of other nodes).
 */
public final class DhtStateFile {
    private static final Logger LOG = LoggerFactory.getLogger(DhtStateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FORMAT = "bitweb-dht-nodes";
    static final int VERSION = 1;
    /** More than a routing table's worth of good nodes is no use for rejoining. */
    public static final int MAX_NODES = 300;
    /** Refuse to parse anything this big: the file is ours and is a few kB. */
    static final long MAX_BYTES = 1 << 20;

    private DhtStateFile() {
    }

    /** The nodes in {@code file}; empty when it is missing, and empty with a warning when it is not ours. */
    public static List<InetSocketAddress> read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                LOG.warn("Ignoring DHT state file {}: larger than {} bytes; the DHT will bootstrap afresh", file, MAX_BYTES);
                return List.of();
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("Ignoring DHT state file {}: {}; the DHT will bootstrap afresh", file, e.toString());
            return List.of();
        }
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring DHT state file {}: {}; the DHT will bootstrap afresh", file, e.getMessage());
            return List.of();
        }
    }

    /** Writes {@code nodes} (the first {@link #MAX_NODES}) to {@code file} atomically. */
    public static void write(Path file, Collection<InetSocketAddress> nodes) throws IOException {
        AtomicFiles.write(file, format(nodes, Instant.now()));
    }

    static byte[] format(Collection<InetSocketAddress> nodes, Instant saved) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("saved", saved.toString());
        ArrayNode list = root.putArray("nodes");
        nodes.stream()
                .filter(a -> a.getAddress() instanceof Inet4Address && a.getPort() > 0)
                .distinct()
                .limit(MAX_NODES)
                .forEach(a -> list.add(a.getAddress().getHostAddress() + ":" + a.getPort()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException naming what is wrong when the content is not a state file */
    static List<InetSocketAddress> parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException("\"format\" is not \"" + FORMAT + "\"");
        }
        if (root.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("unknown version " + root.path("version"));
        }
        JsonNode list = root.path("nodes");
        if (!list.isArray()) {
            throw new IllegalArgumentException("\"nodes\" is not a list");
        }
        Set<InetSocketAddress> nodes = new LinkedHashSet<>();
        int bad = 0;
        for (JsonNode entry : list) {
            InetSocketAddress address = entry.isTextual() ? parseIpv4Endpoint(entry.asText()) : null;
            if (address == null) {
                bad++;
            } else if (nodes.size() < MAX_NODES) {
                nodes.add(address);
            }
        }
        if (bad > 0) {
            LOG.warn("DHT state file: skipped {} malformed node entr{}", bad, bad == 1 ? "y" : "ies");
        }
        return new ArrayList<>(nodes);
    }

    /** {@code a.b.c.d:port} to an address, without any name lookup; null when malformed. */
    static InetSocketAddress parseIpv4Endpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        byte[] ip = parseIpv4(text.substring(0, colon));
        int port = parseNumber(text.substring(colon + 1), 65535);
        if (ip == null || port < 1) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = parseNumber(parts[i], 255);
            if (octet < 0) {
                return null;
            }
            ip[i] = (byte) octet;
        }
        return ip;
    }

    /** Decimal digits only, at most {@code max}; -1 otherwise. */
    private static int parseNumber(String text, int max) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }
}
