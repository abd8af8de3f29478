package org.bitweb.bench;

import org.bitweb.site.Publisher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A hostile page against an engine (issue 12 item 7): N image requests for made-up sites through
 * the gateway, as a page's img tags make them, and what the engine holds right after and a while
 * later: threads, resident memory, folders under sites/. The engine runs as `bitweb serve` in a
 * process of its own, DHT and LAN discovery off.
 *
 * <p>-Dbench.ids=1000 -Dbench.later=60 (s)
 */
public final class HostileBench {
    public static void main(String[] args) throws Exception {
        int ids = Integer.getInteger("bench.ids", 1000);
        int later = Integer.getInteger("bench.later", 60);
        Path home = Files.createTempDirectory("bitweb-bench-hostile-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process engine = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.bitweb.cli.Main",
                "--home", home.toString(), "serve", "--gateway-port", "0", "--peer-port", "0", "--no-dht", "--no-lan", "--no-port-mapping")
                .redirectErrorStream(true).redirectOutput(home.resolve("engine.out").toFile()).start();
        Table table = new Table("when", "threads", "RSS MB", "folders in sites/");
        try {
            Path info = home.resolve("engine.json");
            while (!Files.exists(info)) {
                if (!engine.isAlive()) {
                    throw new IOException("the engine exited: " + Files.readString(home.resolve("engine.out")));
                }
                Thread.sleep(10); // a poll interval
            }
            Thread.sleep(2000); // settle after start, so "before" is the idle engine
            int port = Integer.parseInt(Files.readString(info).replaceAll("(?s).*\"gatewayPort\"\\s*:\\s*(\\d+).*", "$1"));
            row(table, "before", engine.pid(), home);
            Random random = new Random(1);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            long started = System.nanoTime();
            for (int i = 0; i < ids; i++) {
                byte[] ih = new byte[20];
                random.nextBytes(ih);
                String host = HexFormat.of().formatHex(ih) + ".bitweb.localhost";
                pool.execute(() -> imageRequest(port, host));
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            System.err.printf("%d image requests in %.1f s%n", ids, (System.nanoTime() - started) / 1e9);
            row(table, "right after " + ids + " made-up sites", engine.pid(), home);
            Thread.sleep(later * 1000L);
            row(table, later + " s later", engine.pid(), home);
        } finally {
            engine.destroy();
            engine.waitFor();
            Publisher.deleteTree(home);
        }
        table.print("An engine after a page embeds images of " + ids + " made-up sites");
    }

    private static void row(Table table, String when, long pid, Path home) throws IOException {
        long folders;
        Path sites = home.resolve("sites");
        try (Stream<Path> list = Files.exists(sites) ? Files.list(sites) : Stream.empty()) {
            folders = list.count();
        }
        table.row(when, status(pid, "Threads"), status(pid, "VmRSS") / 1024, folders);
    }

    /** One GET as an img tag makes it; the answer (a loading or error page) is read and dropped. */
    private static void imageRequest(int port, String host) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /pixel.png HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nAccept: image/avif,image/webp,*/*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // a refused or cut request is a result too: the engine did not serve it
        }
    }

    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(key + " not in /proc/" + pid + "/status");
    }
}
