package org.bitweb.dht;

import org.bitweb.torrent.Bencode;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Asks one DHT node one question directly, the way any node would (KRPC over UDP, BEP 5): its id
 * ({@code ping}) and what it stores under a BEP 44 target ({@code get}). Tests use it to count
 * which nodes of a testnet hold an item whatever their implementation, by asking each of them.
 * Each question is sent up to three times, 700 ms apart; no answer means empty.
 *
 * <p>Its questions say "read-only" (BEP 43), but mldht and bittorrent-dht ignore that and may hand
 * its address to others as a node; so it answers every question it is asked at once, with an
 * error (a dead node would cost everyone's lookups timeouts, and a node that answers a put would
 * count as holding an item it does not keep).
 */
public final class Krpc implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TRIES = 3;
    private static final int WAIT_MS = 700;

    private final DatagramSocket socket;
    private final byte[] id = new byte[20];
    private final Map<String, java.util.concurrent.CompletableFuture<Map<String, Object>>> waiting =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread receiver;

    /** A client sending from {@code address} (a testnet address), an ephemeral port. */
    public Krpc(InetAddress address) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
        RANDOM.nextBytes(id);
        this.receiver = new Thread(this::receive, "krpc-" + address.getHostAddress());
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    /** The node's id, or empty when it did not answer. */
    public Optional<byte[]> ping(InetSocketAddress node) throws IOException {
        return ask(node, "ping", Map.of()).map(r -> (byte[]) r.get("id"));
    }

    /** The seq of the mutable item the node stores under {@code target}; empty when it holds none or did not answer. */
    public Optional<Long> storedSeq(InetSocketAddress node, byte[] target) throws IOException {
        return ask(node, "get", Map.of("target", target))
                .filter(r -> r.get("v") != null && r.get("seq") instanceof Long)
                .map(r -> (Long) r.get("seq"));
    }

    /** The peers the node stores for {@code infohash} (BEP 5 compact "values"); empty when none or no answer. */
    @SuppressWarnings("unchecked")
    public java.util.List<InetSocketAddress> storedPeers(InetSocketAddress node, byte[] infohash) throws IOException {
        java.util.List<InetSocketAddress> peers = new java.util.ArrayList<>();
        Object values = ask(node, "get_peers", Map.of("info_hash", infohash)).map(r -> r.get("values")).orElse(null);
        if (values instanceof java.util.List<?> list) {
            for (Object value : list) {
                if (value instanceof byte[] v && v.length == 6) {
                    peers.add(new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOf(v, 4)), ((v[4] & 0xff) << 8) | (v[5] & 0xff)));
                }
            }
        }
        return peers;
    }

    private Optional<Map<String, Object>> ask(InetSocketAddress node, String method, Map<String, Object> args) throws IOException {
        byte[] transaction = new byte[4];
        RANDOM.nextBytes(transaction);
        Map<String, Object> a = new LinkedHashMap<>(args);
        a.put("id", id);
        byte[] query = Bencode.encode(Map.of("t", transaction, "y", "q", "q", method, "a", a, "ro", 1L));
        String key = java.util.HexFormat.of().formatHex(transaction);
        java.util.concurrent.CompletableFuture<Map<String, Object>> answer = new java.util.concurrent.CompletableFuture<>();
        waiting.put(key, answer);
        try {
            for (int attempt = 0; attempt < TRIES; attempt++) {
                socket.send(new DatagramPacket(query, query.length, node));
                try {
                    return Optional.of(answer.get(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    // send again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                } catch (java.util.concurrent.ExecutionException e) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } finally {
            waiting.remove(key);
        }
    }

    @SuppressWarnings("unchecked")
    private void receive() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            try {
                Map<String, Object> message = (Map<String, Object>) Bencode.decode(Arrays.copyOf(packet.getData(), packet.getLength()));
                byte[] transaction = (byte[]) message.get("t");
                if (message.get("r") instanceof Map<?, ?> r) {
                    var answer = waiting.get(java.util.HexFormat.of().formatHex(transaction));
                    if (answer != null) {
                        answer.complete((Map<String, Object>) r);
                    }
                } else if (message.get("q") != null) {
                    // not a node: refuse at once (201 Generic Error), so nobody waits for it or counts on it
                    byte[] reply = Bencode.encode(Map.of("t", transaction, "y", "e",
                            "e", java.util.List.of(201L, "a read-only test probe, not a DHT node")));
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (RuntimeException | IOException malformed) {
                // a stray or malformed packet
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            receiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
