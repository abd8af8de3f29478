package org.bitweb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A GET over a raw socket, as a browser sends it to its proxy (absolute URI, Host of the site),
 * so tests see exactly what the gateway answers. Handles Content-Length and chunked bodies.
 */
public final class Http {
    private Http() {
    }

    public record Reply(int status, String head, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** {@code GET http://<host><path>} to the gateway on loopback {@code port}. */
    public static Reply proxyGet(int port, String host, String path) throws IOException {
        return send(port, "GET http://" + host + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    }

    /** Origin-form GET with the given Host (the {@code <site>.bitweb.localhost:<port>} style). */
    public static Reply get(int port, String host, String path) throws IOException {
        return send(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    }

    private static Reply send(int port, String head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000); // a hung gateway fails the test rather than the build
            socket.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    private static Reply parse(byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            throw new AssertionError("no complete HTTP response head in: " + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if (head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Reply(status, head, body);
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(in, new byte[] {'\r', '\n'}, pos);
            int size = Integer.parseInt(new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1)
                    .split(";")[0].trim(), 16);
            pos = lineEnd + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
