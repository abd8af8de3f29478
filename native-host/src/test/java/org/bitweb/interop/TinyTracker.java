package org.bitweb.interop;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP tracker on loopback that answers every announce with one fixed peer list (compact,
 * BEP 23; re-announce after 5 s, so a client that dropped the peer learns it again soon).
 * BitWeb itself is trackerless; this exists only because aria2 (and Transmission) cannot be
 * handed a peer directly, so a test hands them BitWeb's address through a "tracker".
 */
public final class TinyTracker implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger announces = new AtomicInteger();

    public TinyTracker(List<InetSocketAddress> peers) throws IOException {
        byte[] compact = compact(peers);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/announce", exchange -> {
            announces.incrementAndGet();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("d8:completei1e10:incompletei0e8:intervali5e12:min intervali1e5:peers".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes((compact.length + ":").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(compact);
            body.write('e');
            byte[] bytes = body.toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public String announceUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/announce";
    }

    public int announces() {
        return announces.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static byte[] compact(List<InetSocketAddress> peers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (InetSocketAddress peer : peers) {
            byte[] ip = peer.getAddress().getAddress();
            if (ip.length != 4) {
                throw new IllegalArgumentException("compact peers are IPv4: " + peer);
            }
            out.writeBytes(ip);
            out.write(peer.getPort() >> 8);
            out.write(peer.getPort() & 0xff);
        }
        return out.toByteArray();
    }
}
