package org.bitweb.bench;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The BitWeb seeder of {@link LatencyBench}, in a JVM of its own inside the far network
 * namespace: {@code LatencySeeder <home> <bind address> [<most pieces>@]<folder>...}. Publishes each
 * folder (with {@code N@}: with the piece rule of at most N pieces, {@code bitweb.publish.mostPieces}),
 * then prints {@code ready <peer port> <infohash>...} and seeds until stdin closes.
 */
public final class LatencySeeder {
    public static void main(String[] args) throws Exception {
        EngineOptions options = new EngineOptions(0, 0, InetAddress.getByName(args[1])).withLanDiscovery(false);
        try (Engine engine = Engine.start(new StateDir(Path.of(args[0])), options)) {
            StringBuilder ready = new StringBuilder("ready " + engine.peerPort());
            for (int i = 2; i < args.length; i++) {
                String folder = args[i];
                int at = folder.indexOf('@');
                if (at > 0 && folder.substring(0, at).chars().allMatch(Character::isDigit)) {
                    System.setProperty("bitweb.publish.mostPieces", folder.substring(0, at));
                    folder = folder.substring(at + 1);
                }
                try {
                    ready.append(' ').append(engine.publish(Path.of(folder), Publisher.Progress.NONE).address());
                } finally {
                    System.clearProperty("bitweb.publish.mostPieces");
                }
            }
            System.out.println(ready);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the benchmark closes stdin to stop the seeder
            }
        }
    }
}
