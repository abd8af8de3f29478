package org.bitweb.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitweb.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A DHT node of another implementation, as a child process in the testnet's namespace, on an
 * address of its own, UDP 6881: libtorrent ({@code interop/lt_node.py}) or bittorrent-dht
 * ({@code src/test/node/dht_node.mjs}). Both take requests as JSON lines on stdin and answer JSON
 * lines carrying the request's id (see the scripts). Every wait is bounded.
 */
public final class ExternalNode implements AutoCloseable {
    public enum Kind {
        LIBTORRENT("libtorrent"), BITTORRENT_DHT("bittorrent-dht");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private static final Path NODE_FOLDER = Path.of("src/test/node").toAbsolutePath();

    private final Kind kind;
    private final InetSocketAddress address;
    private final Process process;
    private final OutputStream stdin;
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> listening = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<String> stray = java.util.Collections.synchronizedList(new ArrayList<>());

    private ExternalNode(Kind kind, InetAddress address, Process process) {
        this.kind = kind;
        this.address = new InetSocketAddress(address, 6881);
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::read, kind.label + "-" + address.getHostAddress());
        reader.setDaemon(true);
        reader.start();
        // its stderr into this JVM's, which surefire keeps in the test's output file
        Thread errors = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> System.err.println("[" + this + "] " + line));
            } catch (IOException | java.io.UncheckedIOException closed) {
                // the process ended
            }
        }, kind.label + "-" + address.getHostAddress() + "-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    /** Starts the node; returns once it listens (at most {@code startup}), not once it has joined. */
    public static ExternalNode start(Kind kind, InetAddress address, List<InetSocketAddress> bootstrap, Duration startup)
            throws IOException {
        String via = bootstrap.stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).collect(Collectors.joining(","));
        List<String> command = kind == Kind.LIBTORRENT
                ? List.of(Tools.PYTHON, Tools.script("lt_node.py").toString(), address.getHostAddress(), via)
                : List.of("node", NODE_FOLDER.resolve("dht_node.mjs").toString(), address.getHostAddress(), via);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (kind == Kind.BITTORRENT_DHT) {
            builder.directory(NODE_FOLDER.toFile());
        }
        ExternalNode node = new ExternalNode(kind, address, builder.start());
        try {
            node.listening.get(startup.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            node.close();
            throw new IOException(kind.label + " node on " + address.getHostAddress() + " did not start listening within "
                    + startup.toMillis() + " ms: " + e + (node.stray.isEmpty() ? "" : " (said: " + node.stray + ")"), e);
        }
        return node;
    }

    public Kind kind() {
        return kind;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Sends one request and waits (at most {@code timeout}) for its answer. */
    public JsonNode call(ObjectNode request, Duration timeout) throws IOException {
        int id = ids.incrementAndGet();
        request.put("id", id);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        synchronized (stdin) {
            stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException(this + " did not answer " + request + " within " + timeout.toMillis() + " ms");
        } catch (Exception e) {
            throw new IOException(this + " failed on " + request + ": " + e, e);
        } finally {
            waiting.remove(id);
        }
    }

    public static ObjectNode request(String op) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("op", op);
        return request;
    }

    /** Routing table size, as the node reports it. */
    public int routingTable() throws IOException {
        return call(request("nodes"), Duration.ofSeconds(5)).path("nodes").asInt();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                JsonNode message;
                try {
                    message = Json.MAPPER.readTree(line);
                } catch (IOException notJson) {
                    stray.add(line);
                    continue;
                }
                if (message.has("listening")) {
                    listening.complete(message);
                } else if (message.has("id") && waiting.containsKey(message.get("id").asInt())) {
                    waiting.get(message.get("id").asInt()).complete(message);
                } else {
                    stray.add(line);
                }
            }
        } catch (IOException closed) {
            // the process ended
        }
        listening.completeExceptionally(new IOException("the process ended (exit " + exitValue() + ")"));
        waiting.values().forEach(f -> f.completeExceptionally(new IOException("the process ended")));
    }

    private String exitValue() {
        try {
            return String.valueOf(process.exitValue());
        } catch (IllegalThreadStateException running) {
            return "still running";
        }
    }

    @Override
    public void close() {
        try {
            stdin.close(); // both scripts shut their DHT down and exit on end of input
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return kind.label + "@" + address.getAddress().getHostAddress();
    }
}
