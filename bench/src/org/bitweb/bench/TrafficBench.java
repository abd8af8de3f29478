package org.bitweb.bench;

import org.bitweb.dht.DhtStats;
import org.bitweb.engine.Engine;
import org.bitweb.site.Publisher;
import org.bitweb.testing.TestnetEngines;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DHT and LAN-discovery traffic of one engine seeding N sites, per minute, for {@code bench.minutes}
 * (3) minutes from when its sites are published: their first announces, then what remains
 * (routing table upkeep, announces again every 15 minutes, LAN announces every minute). Runs inside the project's DHT testnet (a
 * network namespace with 16 mldht nodes on 198.18.0.0/15, docs/DHT.md), so it must start
 * through {@code native-host/src/test/netns/bin/java}; bench/run.sh traffic does that.
 *
 * <p>bench/run.sh traffic [-Dbench.sites=0,10,100 -Dbench.minutes=3 in BENCH_JAVA_OPTS]
 */
public final class TrafficBench {
    public static void main(String[] args) throws Exception {
        String[] counts = System.getProperty("bench.sites", "0,10,100").split(",");
        int minutes = Integer.getInteger("bench.minutes", 3);
        Table table = new Table("sites", "minute", "DHT packets out", "DHT packets in", "DHT KB out", "DHT KB in",
                "LAN datagrams out", "LAN KB out", "CPU % of a core (whole JVM)", "CPU % of a core (JVM minus the testnet nodes' schedulers)");
        for (String text : counts) {
            int sites = Integer.parseInt(text.trim());
            Path root = Files.createTempDirectory("bitweb-bench-traffic-");
            try (TestnetEngines net = TestnetEngines.start(root)) {
                Engine engine = net.engine("seeder");
                if (!engine.lanDiscovery(true)) {
                    System.err.println("LAN discovery did not start in the testnet; its column stays 0");
                }
                for (int i = 0; i < sites; i++) {
                    Path folder = Files.createDirectories(root.resolve("sites").resolve("site-" + i));
                    Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
                    engine.publish(folder, Publisher.Progress.NONE);
                }
                long[] before = sample(engine);
                long cpuBefore = cpuNanos();
                long testnetBefore = testnetNanos(net);
                for (int minute = 1; minute <= minutes; minute++) {
                    Thread.sleep(60_000);
                    long[] now = sample(engine);
                    long cpu = cpuNanos();
                    long testnet = testnetNanos(net);
                    table.row(sites, minute, now[0] - before[0], now[1] - before[1], kb(now[2] - before[2]),
                            kb(now[3] - before[3]), now[4] - before[4], kb(now[5] - before[5]),
                            String.format(java.util.Locale.ROOT, "%.1f", (cpu - cpuBefore) / 600_000_000.0),
                            String.format(java.util.Locale.ROOT, "%.2f", (cpu - cpuBefore - (testnet - testnetBefore)) / 600_000_000.0));
                    before = now;
                    cpuBefore = cpu;
                    testnetBefore = testnet;
                }
            } finally {
                Publisher.deleteTree(root);
            }
        }
        table.print("DHT and LAN-discovery traffic of one engine, per minute, in a 16-node DHT testnet "
                + "(minute 1 starts right after its sites were published)");
    }

    /** CPU time of this JVM: the engine and the 16 testnet nodes beside it (their share is the 0-site row). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of the 16 testnet nodes' schedulers (threads named after their addresses), where
     * mldht handles requests: what is left is the engine's, plus every node's socket selector
     * (mldht names them all alike), the bench's sampling and the JVM's own (GC, JIT).
     */
    private static long testnetNanos(TestnetEngines net) {
        java.util.List<String> prefixes = net.net.nodes().stream()
                .map(n -> "dht-" + n.localAddress().getAddress().getHostAddress() + ":").toList();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && prefixes.stream().anyMatch(info.getThreadName()::startsWith)) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static String kb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1000.0);
    }

    /** {DHT packets out, in, DHT bytes out, in, LAN datagrams out, LAN bytes out}. */
    private static long[] sample(Engine engine) {
        DhtStats stats = engine.dht().orElseThrow().stats();
        long[] bytes = engine.dht().orElseThrow().trafficBytes();
        long[] lan = engine.lanSent();
        return new long[]{stats.packetsSent(), stats.packetsReceived(), bytes[0], bytes[1], lan[0], lan[1]};
    }
}
