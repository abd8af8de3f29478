package org.bitweb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.daemon.EngineDaemon;
import org.bitweb.engine.EngineOptions;
import org.bitweb.messaging.Frames;
import org.bitweb.json.Json;
import org.bitweb.store.StateDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The native host, measured as a browser uses it: the bridge process started on stdio, relaying
 * to the engine. Round-trip latency of {@code status}, of {@code sites.list} alone and with slow
 * calls in flight (issue 12: it once waited 29.7 s behind them), publish time, and a file read
 * through the gateway, all in one run. (Protocol 2 removed the native-messaging {@code fetch}
 * this once compared with the gateway.)
 */
public final class HostBench {
    public static void main(String[] args) throws Exception {
        int fileMb = Integer.getInteger("bench.fileMb", 50);
        int publishMb = Integer.getInteger("bench.publishMb", 100);
        int rounds = Integer.getInteger("bench.rounds", 2000);
        int slowCalls = Integer.getInteger("bench.slowCalls", 8);
        Path temp = Files.createTempDirectory("bitweb-hostbench");
        try {
            StateDir state = new StateDir(temp.resolve("home"));
            Path site = Files.createDirectories(temp.resolve("site"));
            byte[] data = new byte[fileMb * 1024 * 1024];
            new Random(1).nextBytes(data);
            Files.write(site.resolve("file.bin"), data);
            Path big = Files.createDirectories(temp.resolve("big"));
            for (int i = 0; i < 10; i++) {
                byte[] part = new byte[publishMb * 1024 * 1024 / 10];
                new Random(i).nextBytes(part);
                Files.write(big.resolve("part" + i + ".bin"), part);
            }
            try (EngineDaemon daemon = EngineDaemon.start(state, new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
                Process host = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "org.bitweb.cli.Main",
                        "--home", state.root().toString(), "host", "chrome-extension://bench/")
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                OutputStream toHost = host.getOutputStream();
                InputStream fromHost = host.getInputStream();
                int[] id = {0};
                int[] slowAnswered = {0};
                java.util.function.Function<com.fasterxml.jackson.databind.node.ObjectNode, JsonNode> call = request -> {
                    try {
                        request.put("id", ++id[0]);
                        Frames.write(toHost, Json.bytes(request));
                        while (true) {
                            JsonNode reply = Json.MAPPER.readTree(Frames.readRequired(fromHost, 2 * 1024 * 1024));
                            if (reply.path("id").asInt() == id[0]) {
                                return reply.path("data");
                            }
                            if (reply.path("id").asInt() >= SLOW_IDS) {
                                slowAnswered[0]++;
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                call.apply(Json.object().put("action", "hello").put("protocol", 1));

                long t0 = System.nanoTime();
                JsonNode published = call.apply(Json.object().put("action", "site.publish").put("path", big.toString()));
                double publishSeconds = (System.nanoTime() - t0) / 1e9;
                String address = call.apply(Json.object().put("action", "site.publish").put("path", site.toString()))
                        .path("address").asText();

                for (int i = 0; i < 200; i++) {
                    call.apply(Json.object().put("action", "status")); // warm up
                }
                List<Long> latencies = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    long start = System.nanoTime();
                    call.apply(Json.object().put("action", "status"));
                    latencies.add(System.nanoTime() - start);
                }

                List<Long> listIdle = timeSitesList(call, rounds);
                // Slow calls in flight: fetches of sites nobody has, each waiting up to 30 s for a file list.
                for (int i = 0; i < slowCalls; i++) {
                    String nobody = String.format("%040x", i + 1);
                    Frames.write(toHost, Json.bytes(Json.object().put("id", SLOW_IDS + i).put("action", "site.fetch")
                            .put("url", "http://" + nobody + ".bitweb/").put("wait", 30_000)));
                }
                long loadedStart = System.nanoTime();
                List<Long> listLoaded = timeSitesList(call, rounds);
                double loadedSeconds = (System.nanoTime() - loadedStart) / 1e9;
                check(slowAnswered[0] == 0, slowAnswered[0] + " slow calls answered before the sites.list rounds ended: "
                        + "they were not in flight the whole time (" + loadedSeconds + " s)");

                String url = "http://" + address + ".bitweb/file.bin";
                double gatewaySeconds = Double.MAX_VALUE;
                HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.of(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.engine().gatewayPort()))).build();
                for (int run = 0; run < 3; run++) {
                    long start = System.nanoTime();
                    HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    long got = response.body().transferTo(OutputStream.nullOutputStream());
                    gatewaySeconds = Math.min(gatewaySeconds, (System.nanoTime() - start) / 1e9);
                    check(got == data.length, "gateway delivered " + got);
                }
                toHost.close();
                host.waitFor();

                Table latency = new Table("measure", "value");
                latency.row("status round trip p50 (ms), browser->bridge->engine->back", Table.percentile(latencies, 50));
                latency.row("status round trip p99 (ms)", Table.percentile(latencies, 99));
                latency.row("status round trips measured", rounds);
                latency.row("sites.list round trip p50 / p99 (ms), nothing else running",
                        String.format("%.2f / %.2f", Table.percentile(listIdle, 50), Table.percentile(listIdle, 99)));
                latency.row("sites.list round trip p50 / p99 (ms), " + slowCalls + " slow site.fetch in flight",
                        String.format("%.2f / %.2f", Table.percentile(listLoaded, 50), Table.percentile(listLoaded, 99)));
                latency.row("sites.list p99 ratio, in flight / alone", Table.percentile(listLoaded, 99) / Table.percentile(listIdle, 99));
                latency.row("publish " + publishMb + " MB (10 files) through the host (s)", publishSeconds);
                latency.row("publish throughput (MB/s)", published.path("size").asLong() / 1e6 / publishSeconds);
                latency.print("Native host: latency and publishing");

                Table throughput = new Table("path, " + fileMb + " MiB file, best of 3", "seconds", "MB/s");
                double mb = data.length / 1e6;
                throughput.row("gateway (HTTP proxy form)", gatewaySeconds, mb / gatewaySeconds);
                throughput.print("Reading a file through the gateway, same engine, same run");
            }
        } finally {
            try (var walk = Files.walk(temp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Ids of the slow calls, apart from the synchronous calls' 1, 2, 3... */
    private static final int SLOW_IDS = 1_000_000;

    /** Round trips of {@code sites.list}, in nanoseconds. */
    private static List<Long> timeSitesList(java.util.function.Function<com.fasterxml.jackson.databind.node.ObjectNode, JsonNode> call,
                                            int rounds) {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            call.apply(Json.object().put("action", "sites.list"));
            latencies.add(System.nanoTime() - start);
        }
        return latencies;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark result is wrong: " + what);
        }
    }
}
