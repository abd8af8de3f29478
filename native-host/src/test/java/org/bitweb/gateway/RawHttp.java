package org.bitweb.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, so tests send exactly the request line and Host they mean
 * (java.net.http rewrites Host and cannot send an absolute-form request-target). Every request
 * says {@code Connection: close}, and the response is read to end of stream.
 */
final class RawHttp {

    private RawHttp() {
    }

    record Reply(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        long contentLength() {
            return Long.parseLong(header("Content-Length"));
        }
    }

    /** @param headerLines header lines without CRLF; Connection: close is added */
    static Reply send(int port, String method, String target, String... headerLines) throws IOException {
        // a hung gateway fails the test instead of blocking the build
        return send(port, 20_000, method, target, headerLines);
    }

    /**
     * @param timeoutMs how long the whole answer may take: past it, a SocketTimeoutException
     * @param headerLines header lines without CRLF; Connection: close is added
     */
    static Reply send(int port, int timeoutMs, String method, String target, String... headerLines)
            throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(timeoutMs);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] raw = readAll(socket.getInputStream());
            if (System.nanoTime() > deadline) {
                throw new java.net.SocketTimeoutException("the answer took more than " + timeoutMs + " ms");
            }
            return parse(raw, method.equals("HEAD"));
        }
    }

    /** Proxy form, as the extension sends it: absolute URI and Host of the site. */
    static Reply proxyGet(int port, String host, String path, String... headerLines) throws IOException {
        return send(port, "GET", "http://" + host + path, withHost(host, headerLines));
    }

    /** Origin form with the given Host. */
    static Reply get(int port, String host, String path, String... headerLines) throws IOException {
        return send(port, "GET", path, withHost(host, headerLines));
    }

    static String[] withHost(String host, String... headerLines) {
        String[] all = Arrays.copyOf(new String[] {"Host: " + host}, headerLines.length + 1);
        System.arraycopy(headerLines, 0, all, 1, headerLines.length);
        return all;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // an aborted response may end with a reset: keep what arrived
        }
        return all.toByteArray();
    }

    private static Reply parse(byte[] raw, boolean head) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (end < 0) {
            throw new AssertionError("no complete response head in " + raw.length + " bytes: "
                    + new String(raw, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        List<String> te = headers.get("Transfer-Encoding");
        if (!head && te != null && te.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        }
        return new Reply(status, headers, body);
    }

    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < in.length) {
            int lineEnd = indexOf(Arrays.copyOfRange(in, pos, in.length), new byte[] {'\r', '\n'});
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(in, pos, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            pos += lineEnd + 2;
            if (size == 0) {
                break;
            }
            out.write(in, pos, Math.min(size, in.length - pos));
            pos += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
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
