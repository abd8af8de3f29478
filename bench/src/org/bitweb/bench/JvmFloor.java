package org.bitweb.bench;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * The least an engine's JVM can do before a page can be served: start, and listen on a loopback
 * port. {@link StartBench} ({@code --floor}) starts it with the engine's own JVM options and a
 * class-data archive of its own, beside the engines, so the table shows what the JVM alone costs
 * on this machine at this moment: the floor under any "visit that starts the engine" (issue 16).
 */
public final class JvmFloor {
    private JvmFloor() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocketChannel port = ServerSocketChannel.open()) {
            port.bind(new InetSocketAddress("127.0.0.1", 0));
            // the line StartBench waits for, in the engine's words
            System.out.println("engine up: the JVM floor, port " + port.socket().getLocalPort() + "; start 0 ms: bt runtime 0 ms");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // until the bench stops it
        }
    }
}
