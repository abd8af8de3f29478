package org.bitweb.nat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPv4 default gateway: the router that NAT-PMP and PCP talk to. Java has no API for the
 * routing table, so each OS's own view is read: /proc/net/route on Linux, {@code route -n get
 * default} on macOS, {@code route print} on Windows.
 */
final class DefaultGateway {
    private DefaultGateway() {
    }

    static Optional<InetAddress> find() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        try {
            if (os.contains("linux")) {
                return fromProcNetRoute(Files.readString(Path.of("/proc/net/route"), StandardCharsets.US_ASCII));
            }
            if (os.contains("mac")) {
                return fromRouteGet(run(List.of("route", "-n", "get", "default")));
            }
            if (os.contains("windows")) {
                return fromRoutePrint(run(List.of("route", "print", "-4", "0.0.0.0")));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Linux: the default route (destination 0) with the lowest metric; addresses are little-endian hex. */
    static Optional<InetAddress> fromProcNetRoute(String table) {
        InetAddress best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7 || !f[1].equals("00000000") || f[2].equals("00000000") || !f[2].matches("[0-9A-Fa-f]{8}")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            if ((flags & 0x3) != 0x3) { // RTF_UP | RTF_GATEWAY
                continue;
            }
            long metric = Long.parseLong(f[6]);
            if (metric < bestMetric) {
                long hex = Long.parseLong(f[2], 16);
                best = ipv4((int) Long.reverseBytes(hex << 32));
                bestMetric = metric;
            }
        }
        return Optional.ofNullable(best);
    }

    /** macOS: "gateway: 192.168.1.1" in {@code route -n get default}. */
    static Optional<InetAddress> fromRouteGet(String output) {
        Matcher m = Pattern.compile("(?m)^\\s*gateway:\\s*(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s*$").matcher(output);
        return m.find() ? parse(m.group(1)) : Optional.empty();
    }

    /** Windows: "0.0.0.0  0.0.0.0  192.168.1.1  192.168.1.23  25" rows of {@code route print}, lowest metric. */
    static Optional<InetAddress> fromRoutePrint(String output) {
        Matcher m = Pattern.compile("(?m)^\\s*0\\.0\\.0\\.0\\s+0\\.0\\.0\\.0\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+\\S+\\s+(\\d+)\\s*$")
                .matcher(output);
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        while (m.find()) {
            long metric = Long.parseLong(m.group(2));
            if (metric < bestMetric) {
                best = m.group(1);
                bestMetric = metric;
            }
        }
        return best == null ? Optional.empty() : parse(best);
    }

    private static Optional<InetAddress> parse(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            value = value << 8 | octet;
        }
        return Optional.of(ipv4(value));
    }

    private static InetAddress ipv4(int value) {
        try {
            return Inet4Address.getByAddress(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
