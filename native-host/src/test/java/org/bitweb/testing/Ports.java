package org.bitweb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for tests that close a listener and bind its port again. */
public final class Ports {
    private Ports() {
    }

    /**
     * A loopback TCP port free now and below the kernel's ephemeral range. A port the kernel
     * handed out for port 0 goes back to that range when closed, and any outgoing connection of
     * the same JVM may take it as its local port before the test binds it again (seen once in
     * CI: "port taken" right after an engine closed); one below the range is never handed out so.
     */
    public static int outsideEphemeralRange() throws IOException {
        int low = 32768;
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            low = Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the IANA range starts at 49152, Linux's default at 32768; stay below both
        }
        for (int tries = 0; tries < 200; tries++) {
            int port = 10_000 + ThreadLocalRandom.current().nextInt(Math.max(1, low - 10_000));
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free loopback port between 10000 and " + low);
    }
}
