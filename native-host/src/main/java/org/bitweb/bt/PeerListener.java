package org.bitweb.bt;

import bt.module.PeerConnectionSelector;
import bt.net.ConnectionResult;
import bt.net.ConnectionRoutine;
import bt.net.IPeerConnectionFactory;
import bt.net.InetPeer;
import bt.net.SharedSelector;
import bt.net.SocketChannelConnectionAcceptor;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The BitTorrent listening socket, bound when the engine starts.
 *
 * <p>bt binds its own socket lazily, on a thread of its own, when the first site starts, and if
 * the port is taken by then it logs the error and silently accepts nothing: the engine runs, but
 * nobody can download from it. Picking a "free" port first and letting bt bind it later also
 * races with every other socket on the machine. Binding here, before bt starts, turns a taken
 * port into a clear error at start and makes port 0 mean a port that is really ours.
 */
public final class PeerListener implements AutoCloseable {
    /**
     * How long bt's acceptor thread waits, once the engine closed the socket under it, for bt's own
     * stop to interrupt it: bt stops its services on threads of its own, so the socket may close
     * first (one serve stopped in six, soon after its start, logged bt's "Unexpected error").
     */
    static final long CLOSE_GRACE_MS = 3_000;

    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private volatile boolean closed;

    private PeerListener(ServerSocketChannel server) throws IOException {
        this.server = server;
        this.address = (InetSocketAddress) server.getLocalAddress();
    }

    /**
     * @param port 0 for any free port
     * @throws IOException with what to do next if the port is taken
     */
    public static PeerListener bind(InetAddress address, int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            // a restarted engine must get its port back while old connections linger in TIME_WAIT
            server.socket().setReuseAddress(true);
            server.bind(new InetSocketAddress(address, port));
            server.configureBlocking(true);
            return new PeerListener(server);
        } catch (IOException e) {
            server.close();
            throw new IOException("the BitTorrent port " + port + " is taken (" + e.getMessage()
                    + "); stop the program using it or pass --peer-port 0", e);
        }
    }

    public int port() {
        return address.getPort();
    }

    /** Replaces bt's acceptor with one that accepts on this socket. */
    public Module module() {
        return new AbstractModule() {
            @Provides
            @Singleton
            SocketChannelConnectionAcceptor acceptor(@PeerConnectionSelector SharedSelector selector,
                                                     IPeerConnectionFactory connections) {
                return new Acceptor(selector, connections);
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket has nothing left to lose
        }
    }

    /** What the acceptor returns when bt's shutdown interrupts it: no connection, nothing to cancel. */
    private static final ConnectionRoutine NOTHING = new ConnectionRoutine() {
        @Override
        public SocketAddress getRemoteAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }

        @Override
        public ConnectionResult establish() {
            return ConnectionResult.failure("the engine is closing");
        }

        @Override
        public void cancel() {
            // nothing was accepted
        }
    };

    /** bt's acceptor type (local service discovery looks for it), over the socket bound above. */
    private final class Acceptor extends SocketChannelConnectionAcceptor {
        private final IPeerConnectionFactory connections;

        Acceptor(SharedSelector selector, IPeerConnectionFactory connections) {
            super(selector, connections, address);
            this.connections = connections;
        }

        @Override
        public ConnectionRoutine accept() {
            SocketChannel channel;
            SocketAddress remote = null;
            do {
                try {
                    channel = server.accept();
                } catch (ClosedByInterruptException e) {
                    // bt's shutdown: it sets its stop flag, then interrupts this thread. bt's loop
                    // logs any exception from here as an "unexpected error", so the stop gets a
                    // routine that connects nothing; the loop cancels it and sees the flag.
                    return NOTHING;
                } catch (IOException e) {
                    if (closed) {
                        return closedByTheEngine();
                    }
                    // the socket broke: bt's listener logs this and stops
                    throw new IllegalStateException("stopped accepting peers on " + address + ": " + e, e);
                }
                try {
                    remote = channel.getRemoteAddress();
                } catch (IOException e) {
                    close(channel); // that peer left already; keep listening for the next
                }
            } while (remote == null);
            SocketAddress from = remote;
            SocketChannel accepted = channel;
            return new ConnectionRoutine() {
                @Override
                public SocketAddress getRemoteAddress() {
                    return from;
                }

                @Override
                public ConnectionResult establish() {
                    try {
                        InetAddress peer = ((InetSocketAddress) from).getAddress();
                        return connections.createIncomingConnection(InetPeer.builder(peer).build(), accepted);
                    } catch (RuntimeException e) {
                        cancel();
                        return ConnectionResult.failure("incoming connection failed", e);
                    }
                }

                @Override
                public void cancel() {
                    close(accepted);
                }
            };
        }
    }

    /**
     * The engine closed the socket while bt's loop still ran: bt's stop interrupts this thread
     * next. Waiting for that, the loop gets a routine that connects nothing and sees its stop flag,
     * so an engine's normal stop logs no error; if bt is not stopping, that is one.
     */
    private ConnectionRoutine closedByTheEngine() {
        try {
            Thread.sleep(CLOSE_GRACE_MS);
        } catch (InterruptedException stopping) {
            return NOTHING;
        }
        throw new IllegalStateException("the engine closed its BitTorrent port " + address
                + ", but bt's listener did not stop within " + CLOSE_GRACE_MS + " ms");
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the peer is gone either way
        }
    }
}
