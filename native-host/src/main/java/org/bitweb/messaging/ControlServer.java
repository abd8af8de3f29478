package org.bitweb.messaging;

import org.bitweb.log.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The engine's local control channel: a Unix socket in the owner-only state folder, itself made
 * owner-only, speaking the same frames as native messaging. Browser host processes relay their
 * stdio here byte for byte; the CLI talks here directly. Only this user can connect.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final Path path;
    private final Dispatcher dispatcher;
    private final RequestPools pools;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Consumer<Integer> onSessionCountChange;
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;
    private int counter;

    public ControlServer(Path path, Dispatcher dispatcher, RequestPools pools, Consumer<Integer> onSessionCountChange) {
        this.path = path;
        this.dispatcher = dispatcher;
        this.pools = pools;
        this.onSessionCountChange = onSessionCountChange;
    }

    /** Binds the socket. The caller holds the engine lock, so a socket file left here is stale. */
    public void start() throws IOException {
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            bindOwnerOnly();
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot open the control socket " + path + ": " + e.getMessage(), e);
        }
        acceptor = Threads.thread("control-accept", true, this::acceptLoop);
        acceptor.start();
    }

    /**
     * Binds the socket where nobody else can reach it before it is owner-only: in a folder of its
     * own (0700), made owner-only there, then renamed into place. Java cannot set the umask, so a
     * socket bound in place would exist with looser permissions until the chmod.
     */
    private void bindOwnerOnly() throws IOException {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            server.bind(UnixDomainSocketAddress.of(path));
            return;
        }
        Path staging = Files.createTempDirectory(path.getParent(), ".sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path bound = staging.resolve("s");
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staging.resolve("s"));
            Files.deleteIfExists(staging);
        }
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Pushes an event to every connected client. */
    public void broadcast(String event, Object data) {
        for (Session session : sessions) {
            session.sendEvent(event, data);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.error("control socket accept failed: {}", e.toString());
                }
                return;
            }
            String name = "client-" + (++counter);
            Session session = new Session(name, ChannelStreams.in(channel), ChannelStreams.out(channel),
                    dispatcher, pools, Frames.DEFAULT_MAX_INCOMING);
            Thread thread = Threads.thread("session-" + name, true, () -> {
                sessions.add(session);
                onSessionCountChange.accept(sessions.size());
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // already gone
                    }
                    onSessionCountChange.accept(sessions.size());
                }
            });
            thread.start();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(path);
    }
}
