package org.bitweb.dht;

import org.bitweb.torrent.Bencode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A DHT "node" that answers what a test scripted, byte for byte: the answers are literal bencoded
 * text, so a test can send what a real implementation would (bittorrent-dht's {@code get} answer
 * with a value and no {@code nodes}, {@code nodes6} only, unknown keys) and what none should
 * (malformed answers). Listens on a testnet address, UDP 6881; records every query it receives.
 *
 * <p>{@code ping} and {@code find_node} get a plain answer (its {@link #neighbours} as {@code nodes})
 * unless the script answers them; the script gets every query and returns the answer's bytes, or
 * null for the default (or for silence, for methods without one).
 */
final class ScriptedNode implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One query as received: its method, arguments and transaction id. */
    record Query(String method, Map<String, Object> args, byte[] transaction) {
        byte[] bytes(String key) {
            return (byte[]) args.get(key);
        }
    }

    final byte[] id;
    final InetSocketAddress address;
    final List<Query> received = new CopyOnWriteArrayList<>();
    final List<ScriptedNode> neighbours = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;
    private volatile Function<Query, byte[]> script = q -> null;

    ScriptedNode(InetAddress address, byte[] id) throws SocketException {
        this.id = id.clone();
        this.socket = new DatagramSocket(new InetSocketAddress(address, Testnet.DHT_PORT));
        this.address = new InetSocketAddress(address, Testnet.DHT_PORT);
        this.thread = new Thread(this::serve, "scripted-node-" + address.getHostAddress());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    static byte[] randomId() {
        byte[] id = new byte[20];
        RANDOM.nextBytes(id);
        return id;
    }

    void script(Function<Query, byte[]> script) {
        this.script = script;
    }

    List<Query> received(String method) {
        return received.stream().filter(q -> q.method().equals(method)).toList();
    }

    /** This node's compact node info (BEP 5): id, IPv4, port. */
    byte[] compact() {
        byte[] out = new byte[26];
        System.arraycopy(id, 0, out, 0, 20);
        System.arraycopy(address.getAddress().getAddress(), 0, out, 20, 4);
        out[24] = (byte) (address.getPort() >> 8);
        out[25] = (byte) address.getPort();
        return out;
    }

    /** Compact node infos of {@code nodes}, concatenated. */
    static byte[] compact(List<ScriptedNode> nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        nodes.forEach(n -> out.writeBytes(n.compact()));
        return out.toByteArray();
    }

    /**
     * A literal bencoded message: the parts are written one after the other, Strings as their
     * ISO-8859-1 bytes (so {@code "d1:rd2:id20:"} reads as the bencode it is) and byte arrays as
     * they are. {@link #str} makes a bencoded byte string of binary parts.
     */
    static byte[] literal(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] bytes ? bytes : ((String) part).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** {@code <length>:<bytes>} */
    static byte[] str(byte[] bytes) {
        return literal(bytes.length + ":", bytes);
    }

    /** A response whose {@code r} dictionary holds {@code id} followed by {@code moreKeys} (literal, sorted after "id"). */
    byte[] response(Query q, Object... moreKeys) {
        Object[] parts = new Object[moreKeys.length + 6];
        parts[0] = "d1:rd2:id20:";
        parts[1] = id;
        System.arraycopy(moreKeys, 0, parts, 2, moreKeys.length);
        parts[moreKeys.length + 2] = "e1:t";
        parts[moreKeys.length + 3] = str(q.transaction());
        parts[moreKeys.length + 4] = "1:y1:r";
        parts[moreKeys.length + 5] = "e";
        return literal(parts);
    }

    private byte[] defaultAnswer(Query q) {
        return switch (q.method()) {
            case "ping" -> response(q);
            case "find_node" -> response(q, "5:nodes", str(compact(neighbours)));
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private void serve() {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            Query query;
            try {
                byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                Map<String, Object> message = (Map<String, Object>) Bencode.decode(data);
                if (!"q".equals(text(message.get("y")))) {
                    continue;
                }
                query = new Query(text(message.get("q")), (Map<String, Object>) message.get("a"), (byte[]) message.get("t"));
            } catch (RuntimeException notAQuery) {
                continue;
            }
            received.add(query);
            byte[] answer;
            try {
                answer = script.apply(query);
                if (answer == null) {
                    answer = defaultAnswer(query);
                }
            } catch (RuntimeException e) {
                System.err.println("scripted node " + address + ": script failed: " + e);
                continue;
            }
            if (answer != null && answer.length > 0) {
                try {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : null;
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ScriptedNode[" + address + "]";
    }
}
