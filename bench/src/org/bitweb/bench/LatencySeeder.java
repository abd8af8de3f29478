package org.bitweb.bench;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The BitWeb seeder of {@link LatencyBench}, in a JVM of its own inside the far network
 * namespace: {@code LatencySeeder <home> <bind address> <folder>...}. Publishes each folder, then
 * prints {@code ready <peer port> <infohash>...} and seeds until stdin closes.
 */
public final class LatencySeeder {
    public static void main(String[] args) throws Exception {
        EngineOptions options = new EngineOptions(0, 0, InetAddress.getByName(args[1])).withLanDiscovery(false);
        try (Engine engine = Engine.start(new StateDir(Path.of(args[0])), options)) {
            StringBuilder ready = new StringBuilder("ready " + engine.peerPort());
            for (int i = 2; i < args.length; i++) {
                ready.append(' ').append(engine.publish(Path.of(args[i]), Publisher.Progress.NONE).address());
            }
            System.out.println(ready);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the benchmark closes stdin to stop the seeder
            }
        }
    }
}
