package org.bitweb.bench;

import org.bitweb.address.SiteAddress;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.store.StateDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A visit that starts the engine, for {@link LatencyBench}: a JVM of its own (the product's engine
 * options, class-data sharing archive included) starts an engine, is told the peer, and asks its
 * gateway for the first page: {@code LatencyColdVisit <home> <infohash> <peer host> <peer port>
 * <bind address> <page bytes>}. Prints {@code done <ms from JVM start to engine up> <ms from
 * engine up to page>} and exits (which writes the archive on the first run).
 */
public final class LatencyColdVisit {
    public static void main(String[] args) throws Exception {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        SiteAddress site = SiteAddress.parseLabel(args[1]);
        InetSocketAddress peer = new InetSocketAddress(args[2], Integer.parseInt(args[3]));
        EngineOptions options = new EngineOptions(0, 0, InetAddress.getByName(args[4])).withLanDiscovery(false);
        int expected = Integer.parseInt(args[5]);
        try (Engine visitor = Engine.start(new StateDir(Path.of(args[0])), options)) {
            long up = System.currentTimeMillis();
            visitor.fetch(site, List.of(peer), Duration.ZERO);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                byte[] body = LatencyBench.get(visitor.gatewayPort(), site.host(), "/");
                if (body.length == expected) {
                    break;
                }
                if (!new String(body, StandardCharsets.UTF_8).contains("http-equiv=\"refresh\"") || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the first page had " + body.length + " bytes");
                }
                Thread.sleep(1000); // the loading page's refresh
            }
            System.out.println("done " + (up - jvmStart) + " " + (System.currentTimeMillis() - up));
            System.out.flush();
        }
    }
}
