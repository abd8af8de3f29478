package org.bitweb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.messaging.EngineClient;
import org.bitweb.service.EngineCommand;
import org.bitweb.site.Publisher;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Time from login to seeding with the service (docs/SERVICE.md), approximated: from the start of
 * the systemd unit's ExecStart command (the installed launcher: java -jar bitweb.jar serve --home
 * DIR, with the unit's environment) to (a) the control socket answering and (b) the first site
 * answering a BitTorrent handshake on the peer port, i.e. seeded. Each run is in a network
 * namespace of its own (the command uses the default ports), with no DHT routers to reach.
 * The first run of each count is cold (no class-data archive yet); the median is of the others.
 *
 * <p>-Dbench.sites=1,100 -Dbench.trials=4
 */
public final class ServiceStartBench {
    public static void main(String[] args) throws Exception {
        int trials = Integer.getInteger("bench.trials", 4);
        Path jar = Path.of(System.getProperty("bench.engineClassPath").split(":")[0]);
        Path root = Files.createTempDirectory("bitweb-bench-service-");
        Path launcher = root.resolve("bitweb");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\n# as installer/templates/bitweb.sh writes it\nexec '" + java + "' -jar '" + jar + "' \"$@\"\n");
        launcher.toFile().setExecutable(true);
        Path handshake = Path.of(ServiceStartBench.class.getResource("/nat/handshake.py").toURI());
        Table table = new Table("sites", "run", "control socket ms", "first site seeded ms");
        try {
            for (String n : System.getProperty("bench.sites", "1,100").split(",")) {
                int count = Integer.parseInt(n.trim());
                StateDir home = new StateDir(root.resolve("home-" + count)).create();
                String first = publish(home, count, root.resolve("src"));
                List<long[]> warm = new ArrayList<>();
                for (int trial = 0; trial < trials; trial++) {
                    long[] m = run(EngineCommand.ofLauncher(launcher, home.root()), home, first, handshake);
                    System.err.printf(Locale.ROOT, "%d sites, run %d: socket %d ms, seeded %d ms%n", count, trial + 1, m[0], m[1]);
                    if (trial == 0) {
                        table.row(count, "first (cold)", m[0], m[1]);
                    } else {
                        warm.add(m);
                    }
                }
                table.row(count, "median of " + warm.size(), median(warm, 0), median(warm, 1));
            }
        } finally {
            Publisher.deleteTree(root);
        }
        table.print("From the service's ExecStart to the engine answering and to the first site seeded");
    }

    private static String publish(StateDir home, int count, Path scratch) throws IOException {
        SiteStore store = SiteStore.open(home);
        String first = null;
        for (int i = 0; i < count; i++) {
            Path folder = Files.createDirectories(scratch.resolve("site-" + i));
            Files.writeString(folder.resolve("index.html"), "<h1>site " + i + "</h1>");
            SiteRecord record = Publisher.publish(home, store, folder, Publisher.Progress.NONE);
            first = first == null ? record.infohash() : first;
            Publisher.deleteTree(folder);
        }
        return first;
    }

    private static long[] run(EngineCommand command, StateDir home, String infohash, Path handshake) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", "PATH=$PATH:/usr/sbin ip link set lo up && exec \"$@\"", "sh"));
        argv.addAll(command.argv());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(home.root().resolve("engine.out").toFile());
        builder.environment().put("BITWEB_SERVICE", "systemd"); // the unit's Environment=
        builder.environment().put("BITWEB_DHT_BOOTSTRAP", "");  // nothing to reach in the namespace anyway
        builder.environment().remove("BITWEB_DHT");
        builder.environment().remove("BITWEB_PORTMAP");
        long start = System.nanoTime();
        Process engine = builder.start();
        try {
            long socket = -1;
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            while (socket < 0) {
                check(engine, home, deadline);
                try (EngineClient client = EngineClient.connect(home.socket())) {
                    JsonNode status = client.request("status", null);
                    socket = status != null ? (System.nanoTime() - start) / 1_000_000 : -1;
                } catch (Exception notYet) {
                    Thread.sleep(5); // a poll interval; the time measured is when it answered
                }
            }
            while (true) {
                check(engine, home, deadline);
                Process peer = new ProcessBuilder("nsenter", "-t", String.valueOf(engine.pid()), "-U", "-n", "--preserve-credentials",
                        "/usr/bin/python3", handshake.toString(), "127.0.0.1", "47801", infohash).redirectErrorStream(true).start();
                String answer = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                peer.waitFor();
                if (answer.equals(infohash)) {
                    return new long[] {socket, (System.nanoTime() - start) / 1_000_000};
                }
            }
        } finally {
            engine.destroy();
            engine.waitFor();
        }
    }

    private static void check(Process engine, StateDir home, long deadline) throws IOException {
        if (!engine.isAlive() || System.nanoTime() > deadline) {
            throw new IOException("the engine " + (engine.isAlive() ? "took over 120 s" : "exited") + ": "
                    + Files.readString(home.root().resolve("engine.out")));
        }
    }

    private static long median(List<long[]> runs, int column) {
        long[] values = runs.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values.length == 0 ? -1 : values[values.length / 2];
    }
}
