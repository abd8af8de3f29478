package org.bitweb.gateway;

import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The local HTTP server through which the browser reads BitWeb sites.
 *
 * <p>It listens on 127.0.0.1 only, so nothing off this machine can reach it, and it serves only
 * requests whose host is a BitWeb site (see {@link GatewayHandler}): a web page that makes the
 * browser call 127.0.0.1 or a rebound DNS name gets a 421, never a file. It has no control
 * endpoints: everything it can do is read the sites its {@link SiteSource} knows.
 *
 * <p>Threads: a request holds a pool thread while its site's file list and its file's first
 * bytes are found (which may wait for peers), never while its body is sent: writes are
 * asynchronous ({@link FileBody}), so a browser that does not read holds a connection and one
 * buffer, not a thread. {@value #MAX_THREADS} threads (one accepts, {@value #SELECTORS} select)
 * leave room for many files waiting for pieces at once on a 2-core machine. Threads are daemons,
 * so a forgotten gateway does not keep the JVM alive.
 *
 * <p>{@value #SELECTORS} selectors: a small file in memory is answered on the selector thread that
 * read its request ({@link GatewayHandler}), so with one selector all such pages were served by
 * one thread, on one core, while nginx used two workers (docs/GATEWAY.md, "Performance"). The
 * accept queue holds {@value GatewayPort#ACCEPT_QUEUE} connections (the JDK's default is 50): a browser, or a
 * load test, that opens hundreds at once just after a start would otherwise have the kernel drop
 * their handshakes and the clients retry a second later.
 *
 * <p>Memory is bounded whatever the load: at most {@value #MAX_CONNECTIONS} connections (more
 * wait in the accept queue), each holding at most one {@value GatewayHandler#BUFFER_SIZE}-byte
 * buffer while it sends; buffers are pooled up to {@value #POOLED_BUFFERS_MB} MB; small files
 * are kept in memory up to {@value #SMALL_FILES_MB} MB ({@link SmallFiles}).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** The only address the gateway listens on. */
    public static final String LOOPBACK = "127.0.0.1";

    static final int MAX_THREADS = 32;
    static final int MIN_THREADS = 4;
    static final int SELECTORS = 2;
    static final int IDLE_TIMEOUT_MS = 30_000;
    static final int MAX_CONNECTIONS = 1024;
    static final int POOLED_BUFFERS_MB = 16;
    static final int SMALL_FILES_MB = 16;

    private final Server server;
    private final ServerConnector connector;
    private final GatewayHandler handler;
    private final GatewayWarmUp warmUp = new GatewayWarmUp();

    /**
     * @param sites where the sites come from
     * @param port  the port on 127.0.0.1; 0 picks a free one (see {@link #port()} after {@link #start()})
     */
    public Gateway(SiteSource sites, int port) {
        Objects.requireNonNull(sites, "sites");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        noManagementBeans();
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
        threads.setName("bitweb-gateway");
        threads.setDaemon(true);
        // pooled buffers are kept up to a bound; beyond it they are allocated and dropped
        long pooled = POOLED_BUFFERS_MB * 1024L * 1024L;
        server = new Server(threads, null, new ArrayByteBufferPool(0, -1, -1, -1, pooled, pooled));

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Jetty's URI checks stay on as a first line (dot segments, encoded separators, NUL, bad
        // UTF-8 are refused before the handler runs), except "%25": SitePath decodes the raw path
        // exactly once, so an encoded '%' is not ambiguous here, and site files may have '%' in
        // their names.
        http.setUriCompliance(UriCompliance.DEFAULT.with("bitweb", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        connector = new ServerConnector(server, 1, SELECTORS, new HttpConnectionFactory(http));
        connector.setAcceptQueueSize(GatewayPort.ACCEPT_QUEUE); // as GatewayPort binds it
        connector.setHost(LOOPBACK);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        handler = new GatewayHandler(sites, SMALL_FILES_MB * 1024L * 1024L, warmUp);
        server.setHandler(handler);
        server.setErrorHandler(new GatewayErrorHandler());
    }

    /**
     * Tells Jetty how many object references share a cache line, which it otherwise learns by
     * starting the JVM's management server (every platform MXBean, cgroup metrics) to ask whether
     * references are compressed: 40-70 ms of an engine's start on the way to a browser's first
     * page (issue 16). They are (the engine's heap is far below 32 GB): 4 bytes, 16 to a 64-byte
     * line. It only sizes the padding of Jetty's queues; set at the command line, that value wins.
     */
    public static void noManagementBeans() {
        if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
            System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
        }
    }

    /**
     * Binds ({@link GatewayPort#listen}, the port given to the constructor) and starts serving.
     *
     * @throws IOException if the port cannot be bound (for example, already in use)
     */
    public void start() throws IOException {
        ServerSocketChannel listening;
        try {
            listening = GatewayPort.listen(connector.getPort());
        } catch (IOException e) {
            stopQuietly();
            throw new IOException("the gateway cannot listen on " + LOOPBACK + ":" + connector.getPort()
                    + ": " + e.getMessage(), e);
        }
        start(listening);
    }

    /**
     * Starts serving the connections of {@code listening} (from {@link GatewayPort#listen}: one place binds
     * the port, with its accept queue). The gateway closes the channel when it closes.
     *
     * @throws IOException if the gateway cannot start
     */
    public void start(ServerSocketChannel listening) throws IOException {
        try {
            connector.open(listening);
            server.start();
        } catch (Exception e) {
            stopQuietly();
            try {
                listening.close(); // not Jetty's yet if open() failed
            } catch (IOException ignored) {
                // closing anyway
            }
            throw new IOException("the gateway did not start: " + e, e);
        }
        handler.ownPort(port());
        LOG.info("gateway listening on {}", address());
    }

    /**
     * Warms the request path up on a thread of its own ({@link GatewayWarmUp}): the engine calls
     * this once it is ready. Completes with what the warm-up did ("off" when
     * {@code -Dbitweb.gateway.warmUp=false}, or when a gateway of this process warmed up
     * already); it never fails the gateway.
     */
    public CompletableFuture<GatewayWarmUp.Report> warmUp() {
        if (!GatewayWarmUp.enabled() || !GatewayWarmUp.first()) {
            // off, or an earlier gateway of this process warmed its JIT already
            return CompletableFuture.completedFuture(new GatewayWarmUp.Report(0, 0, 0, 0, 0, "off"));
        }
        return warmUp(GatewayWarmUp.Budget.DEFAULT);
    }

    CompletableFuture<GatewayWarmUp.Report> warmUp(GatewayWarmUp.Budget budget) {
        return warmUp.start(port(), budget, handler::forgetWarmUp);
    }

    /** The handler, for tests that look at what it keeps. */
    GatewayHandler handler() {
        return handler;
    }

    /** The warm-up, for tests. */
    GatewayWarmUp warmUpForTests() {
        return warmUp;
    }

    /** The bound port; only meaningful once started. */
    public int port() {
        int port = connector.getLocalPort();
        if (port <= 0) {
            throw new IllegalStateException("the gateway is not started");
        }
        return port;
    }

    /** {@link GatewayPort#address}, for the port this gateway listens on. */
    public String address() {
        return GatewayPort.address(port());
    }

    /** The listening connector, for tests that check what it is bound to. */
    ServerConnector connector() {
        return connector;
    }

    @Override
    public void close() {
        warmUp.close();
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the gateway: {}", e.toString(), e);
        }
    }
}
