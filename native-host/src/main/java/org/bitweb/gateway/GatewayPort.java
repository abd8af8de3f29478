package org.bitweb.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The one place the gateway's port is bound. A class of its own, with no logger and nothing of
 * Jetty's: the engine a browser's bridge starts binds the port as the first thing its {@code main}
 * does ({@link #listenEarly}), and touching {@link Gateway} (or any class with a logger) first
 * would set up logging before it, ~100 ms of that JVM's start in which a page asked for is refused
 * instead of waiting (docs/TUNING.md, "A visit that starts the engine", item 13).
 */
public final class GatewayPort {
    /**
     * Connections the kernel holds until the gateway accepts them (the JDK's default is 50): a
     * browser, or a load test, that opens hundreds at once just after a start would otherwise have
     * its handshakes dropped and retried a second later.
     */
    public static final int ACCEPT_QUEUE = 512;

    /**
     * The port {@link #listenEarly} bound, until the engine's start takes it. Guarded by the
     * class's lock, not an AtomicReference: its VarHandle set up the JVM's method handles first,
     * ~10 ms more before the port listened.
     */
    private static ServerSocketChannel early;

    private GatewayPort() {
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: a free port) before the gateway is built: connections
     * wait in the accept queue until {@link Gateway#start(ServerSocketChannel)} serves them. The
     * engine does this as its start begins, so that a browser's first page, asked for while the
     * engine starts, waits for the answer instead of failing (its proxy refused) to be opened
     * again once the extension hears from the engine (docs/TUNING.md, "A visit that starts the
     * engine").
     *
     * @throws IOException if the port cannot be bound (for example, already in use)
     */
    public static ServerSocketChannel listen(int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as Jetty binds: a restart gets its port back
            channel.bind(new InetSocketAddress(Gateway.LOOPBACK, port), ACCEPT_QUEUE);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Listens on {@code port} as the process's first act, for the engine's start to take
     * ({@link #listenOrTake}): the engine a browser's bridge starts does this before its logging
     * and state folder, so that a page asked for from then on waits for the engine too. Nothing is
     * said if the port cannot be had now: the start binds it again and says why.
     *
     * @return whether the port now listens
     */
    public static synchronized boolean listenEarly(int port) {
        try {
            if (early != null) {
                return false;
            }
            early = listen(port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code http://127.0.0.1:PORT}: where the extension sends proxy-form requests to a gateway listening on {@code port}. */
    public static String address(int port) {
        return "http://" + Gateway.LOOPBACK + ":" + port;
    }

    /** The channel {@link #listenEarly} bound for {@code port}, once; else a new one ({@link #listen}). */
    public static ServerSocketChannel listenOrTake(int port) throws IOException {
        ServerSocketChannel taken;
        synchronized (GatewayPort.class) {
            taken = early;
            early = null;
        }
        if (taken != null) {
            int bound = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            if (port == bound || port == 0) {
                return taken;
            }
            taken.close(); // another port was asked for after all
        }
        return listen(port);
    }
}
