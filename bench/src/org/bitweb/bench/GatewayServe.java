package org.bitweb.bench;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.store.StateDir;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The BitWeb engine as the benchmarks' server, in a JVM of its own so that its start, RSS and
 * threads are measured as a user's engine process would have them:
 * {@code GatewayServe <home> [<folder to publish>]}. Prints one line, {@code ready <gateway port>
 * <site address or ->}, once the engine serves its sites, and stops when stdin closes.
 */
public final class GatewayServe {
    public static void main(String[] args) throws Exception {
        try (Engine engine = Engine.start(new StateDir(Path.of(args[0])),
                new EngineOptions(0, 0, InetAddress.getLoopbackAddress()))) {
            String address = args.length > 1
                    ? engine.publish(Path.of(args[1]), Publisher.Progress.NONE).address()
                    : "-";
            System.out.println("ready " + engine.gatewayPort() + " " + address);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the benchmark closes stdin to stop the engine
            }
        }
    }
}
