package org.bitweb.gateway;

import org.bitweb.address.SiteAddress;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives the gateway's real request path with a bounded number of requests once the engine is
 * ready, so the JIT compiles it before a reader's burst of requests does (issue 16: the first
 * seconds under 256 connections ran at 0.63x of nginx, the JIT compiling while serving).
 *
 * <p>The requests go over loopback sockets to the gateway's own connector: Jetty's selector,
 * parser, the {@link GatewayHandler}, the security headers, a small file from memory and a big
 * one through {@link FileBody}, the socket writes. They ask for a site that exists only in this
 * object's memory: a random infohash, made per gateway, whose two files are byte arrays. It is
 * answered only while the warm-up runs and only on the warm-up's own connections (known by
 * their local ports); to anyone else the address is one more unknown site, looked up as any
 * other. It never reaches the {@link SiteSource}, so no site is listed or stored, and what the
 * gateway kept of it (the small file, the parsed host) is dropped at the end.
 *
 * <p>Bounded: {@link Budget#DEFAULT} requests and time. It gives way to real requests: while
 * one is being answered, or one was answered within the last {@link Budget#quiet()}, it sends
 * nothing (a visit that starts the engine is not slowed by it; the reader's pause after the
 * page is when it runs), and it gives up at its deadline whatever it did. It also stops when the gateway closes, or on the first
 * answer that is not the expected one (logged). Its thread is a daemon at the lowest priority
 * (which Linux ignores unless the JVM is told otherwise: the bound is the budget). Once per
 * process: the JIT's code is the process's, a second gateway (tests) finds it compiled.
 * {@code -Dbitweb.gateway.warmUp=false} turns it off (for comparisons).
 */
public final class GatewayWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayWarmUp.class);

    /** {@code -Dbitweb.gateway.warmUp=false} turns the warm-up off. */
    public static final String PROPERTY = "bitweb.gateway.warmUp";

    /** The small file: a page's size, kept in memory by the gateway ({@link SmallFiles}). */
    static final int SMALL_BYTES = 13 * 1024;
    /** The big file: above {@link SmallFiles#MAX_FILE}, so it is streamed by {@link FileBody}. */
    static final int BIG_BYTES = 1024 * 1024;
    /** Connections used at once: more than one, so a selector finds several ready at a time. */
    static final int CONNECTIONS = 8;

    /**
     * @param smallRequests requests for the small file, at most
     * @param bigRequests   requests for the big file, at most (spread among the small ones)
     * @param time          wall-clock time from its start, pauses included, after which it gives up
     * @param quiet         it sends nothing while a real request is answered or was within this time
     */
    record Budget(int smallRequests, int bigRequests, Duration time, Duration quiet) {
        /**
         * Enough for the JIT's top tier to compile the per-request path (C2 compiles a method
         * after ~10-15 thousand calls): measured in docs/GATEWAY.md, "The warm-up".
         */
        static final Budget DEFAULT = new Budget(12_000, 24, Duration.ofSeconds(20), Duration.ofMillis(250));
    }

    /**
     * What a warm-up did.
     *
     * @param small      small-file answers received
     * @param big        big-file answers received
     * @param millis     wall-clock time
     * @param cpuMillis  the whole process's CPU time meanwhile (the JIT's included), -1 if unknown
     * @param pauses     how many times it gave way to real requests
     * @param stoppedBy  "budget" (all done), "time", "closed", "off" or "failed"
     */
    public record Report(int small, int big, long millis, long cpuMillis, int pauses, String stoppedBy) {
    }

    private final SiteAddress address;
    private final String version;
    private final byte[] smallFile;
    private volatile byte[] bigFile;
    private final SiteView site = new MemorySite();
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    /** When the last real request arrived (System.nanoTime), while the warm-up runs. */
    private volatile long lastReal;
    private volatile boolean realSeen;
    /** Real requests being answered now, while the warm-up runs. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile boolean running;
    private volatile boolean closed;
    /** Answers received so far (tests watch it). */
    private volatile int answered;

    GatewayWarmUp() {
        SecureRandom random = new SecureRandom();
        byte[] infohash = new byte[20];
        random.nextBytes(infohash);
        address = SiteAddress.infohash(infohash);
        version = "warm-up " + address.hex();
        smallFile = new byte[SMALL_BYTES];
        Arrays.fill(smallFile, (byte) 'x');
        byte[] head = "<!doctype html><title>warm-up</title><p>".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, smallFile, 0, head.length);
        // made when first served, on the warm-up's thread: the gateway is built on the start's path
        bigFile = new byte[0];
    }

    /** Set by the first warm-up of the process. */
    private static final AtomicBoolean ONCE = new AtomicBoolean();

    /** Whether this is the process's first warm-up, and claims it. */
    static boolean first() {
        return ONCE.compareAndSet(false, true);
    }

    /** Lets the next warm-up of this process run again (tests that must see one run). */
    static void allowAnother() {
        ONCE.set(false);
    }

    /** Whether the warm-up is on (it is, unless {@value #PROPERTY} is false). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** The warm-up's site address (tests). */
    SiteAddress address() {
        return address;
    }

    /** The warm-up's site version, which names what the gateway kept of it (tests, clean-up). */
    String version() {
        return version;
    }

    /** Completes once the warm-up's connections are open and its site answers them (tests). */
    CompletableFuture<Void> connected() {
        return connected;
    }

    /** Answers the warm-up received so far (tests). */
    int answered() {
        return answered;
    }

    /** The warm-up's own site, if {@code request} is one of its requests for it while it runs; else empty. */
    Optional<SiteView> site(Request request, SiteAddress asked) {
        return running && asked.equals(address) && ours(request) ? Optional.of(site) : Optional.empty();
    }

    /**
     * Notes a real request (one not on the warm-up's connections) while the warm-up runs, until
     * its answer is sent: a big file's answer is traffic for as long as it takes, not only when
     * asked for.
     *
     * @return the callback to complete the request with
     */
    Callback seen(Request request, Callback callback) {
        if (!running || ours(request)) {
            return callback;
        }
        inFlight.incrementAndGet();
        lastReal = System.nanoTime();
        realSeen = true;
        return Callback.from(callback, () -> {
            inFlight.decrementAndGet();
            lastReal = System.nanoTime();
        });
    }

    /** Whether a real request is being answered or one ended within {@code quiet}. */
    private boolean busy(Duration quiet) {
        return inFlight.get() > 0 || realSeen && System.nanoTime() - lastReal < quiet.toNanos();
    }

    private boolean ours(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress() && ports.contains(inet.getPort());
    }

    /** The gateway is closing: a running warm-up stops at its next answer. */
    void close() {
        closed = true;
    }

    /**
     * Runs the warm-up against the gateway on {@code port}, on a daemon thread of its own.
     *
     * @param forget drops what the gateway kept of the warm-up's site, once it is over
     */
    CompletableFuture<Report> start(int port, Budget budget, Runnable forget) {
        CompletableFuture<Report> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            Report report = null;
            Throwable failure = null;
            try {
                report = run(port, budget);
            } catch (RuntimeException | Error e) {
                LOG.warn("the gateway's warm-up failed", e);
                failure = e;
            } finally {
                running = false;
                try {
                    forget.run();
                } catch (RuntimeException e) {
                    LOG.warn("dropping the warm-up's site from the gateway failed", e);
                }
            }
            // done only once its site is dropped: whoever waits for the end finds nothing of it kept
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(report);
            }
        }, "bitweb-gateway-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        return done;
    }

    private Report run(int port, Budget budget) {
        byte[] file = new byte[BIG_BYTES];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31 + (i >>> 8)); // not all one byte: a body like a file's
        }
        bigFile = file;
        long t0 = System.nanoTime();
        long cpu0 = processCpuMillis();
        long deadline = t0 + budget.time().toNanos();
        int small = 0;
        int big = 0;
        int pauses = 0;
        String stoppedBy = "budget";
        List<Connection> connections = new ArrayList<>();
        // it begins after a quiet period too: a browser that started the engine asks for its page
        // right after the start, and that page goes first
        lastReal = t0;
        realSeen = true;
        running = true;
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = new Connection(new Socket(InetAddress.getLoopbackAddress(), port));
                ports.add(c.socket.getLocalPort());
                connections.add(c);
            }
            connected.complete(null);
            // one big file every this many requests, so both kinds are spread over the whole run
            int bigEvery = budget.bigRequests() == 0 ? Integer.MAX_VALUE
                    : Math.max(1, (budget.smallRequests() + budget.bigRequests()) / budget.bigRequests());
            int sent = 0;
            while (small < budget.smallRequests() || big < budget.bigRequests()) {
                if (busy(budget.quiet())) {
                    pauses++;
                    while (!closed && System.nanoTime() < deadline && busy(budget.quiet())) {
                        // give way to the reader: until no real request was answered for a while, bounded by the deadline
                        long now = System.nanoTime();
                        long wait = Math.min(budget.quiet().toNanos() - (now - lastReal), deadline - now);
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(1_000_000L, Math.min(wait, 50_000_000L)));
                    }
                }
                if (closed) {
                    stoppedBy = "closed";
                    break;
                }
                if (System.nanoTime() > deadline) {
                    stoppedBy = "time";
                    break;
                }
                // a request on every connection, then every answer: the selectors find several ready
                int[] lengths = new int[connections.size()];
                int smallAsked = small;
                int bigAsked = big;
                for (int i = 0; i < connections.size(); i++) {
                    sent++;
                    boolean wantBig = bigAsked < budget.bigRequests()
                            && (sent % bigEvery == 0 || smallAsked >= budget.smallRequests());
                    if (wantBig) {
                        bigAsked++;
                        lengths[i] = BIG_BYTES;
                        connections.get(i).ask("/big.bin", address.host());
                    } else if (smallAsked < budget.smallRequests()) {
                        smallAsked++;
                        lengths[i] = SMALL_BYTES;
                        // the page as a browser asks for it ("/") and by its name, as links do
                        connections.get(i).ask(sent % 2 == 0 ? "/" : "/index.html", address.host());
                    }
                }
                for (int i = 0; i < connections.size(); i++) {
                    if (lengths[i] > 0) {
                        connections.get(i).answer(lengths[i]);
                    }
                }
                small = smallAsked;
                big = bigAsked;
                answered = small + big;
            }
        } catch (IOException e) {
            if (closed) {
                stoppedBy = "closed";
            } else {
                stoppedBy = "failed";
                LOG.warn("the gateway's warm-up stopped: {}", e.toString(), e);
            }
        } finally {
            running = false;
            for (Connection c : connections) {
                c.close();
            }
            ports.clear();
        }
        long cpu1 = processCpuMillis();
        Report report = new Report(small, big, (System.nanoTime() - t0) / 1_000_000,
                cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, pauses, stoppedBy);
        LOG.info("gateway warm-up: {} small and {} big answers in {} ms, {} ms of the process's CPU, gave way to real "
                        + "requests {} times; ended by {}", report.small(), report.big(), report.millis(), report.cpuMillis(),
                report.pauses(), report.stoppedBy());
        return report;
    }

    private static long processCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    }

    /** One keep-alive connection to the gateway, one request at a time. */
    private static final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        final byte[] skip = new byte[64 * 1024];

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000); // a gateway that stops answering ends the warm-up
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        void ask(String path, String host) throws IOException {
            // the proxy form the extension uses, with a browser's usual header fields
            String request = "GET http://" + host + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nUser-Agent: BitWeb warm-up\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
        }

        /** Reads one answer, which must be a 200 of {@code length} bytes. */
        void answer(int length) throws IOException {
            String status = line();
            long contentLength = -1;
            for (String field = line(); !field.isEmpty(); field = line()) {
                if (field.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    contentLength = Long.parseLong(field.substring(15).trim());
                }
            }
            if (!status.startsWith("HTTP/1.1 200 ") || contentLength != length) {
                throw new IOException("the warm-up's request got '" + status + "', " + contentLength + " bytes");
            }
            long left = contentLength;
            while (left > 0) {
                int n = in.read(skip, 0, (int) Math.min(skip.length, left));
                if (n < 0) {
                    throw new EOFException("the answer ended " + left + " bytes early");
                }
                left -= n;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("the gateway closed the warm-up's connection");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing a warm-up connection", e);
            }
        }
    }

    /** The warm-up's site: two files in memory. */
    private final class MemorySite implements SiteView {

        @Override
        public String version() {
            return version;
        }

        @Override
        public Optional<FileEntry> file(String path) {
            byte[] bytes = bytes(path);
            return bytes == null ? Optional.empty() : Optional.of(new FileEntry(path, bytes.length));
        }

        @Override
        public boolean isDirectory(String path) {
            return path.isEmpty();
        }

        @Override
        public InputStream open(FileEntry file, long offset, long length) throws IOException {
            byte[] bytes = bytes(file.path());
            if (bytes == null) {
                throw new IOException("no such file in the warm-up's site: " + file.path());
            }
            return new ByteArrayInputStream(bytes, (int) offset, (int) length);
        }

        @Override
        public ReadableByteChannel channel(FileEntry file, long offset, long length) throws IOException {
            byte[] bytes = bytes(file.path());
            if (bytes == null) {
                throw new IOException("no such file in the warm-up's site: " + file.path());
            }
            ByteBuffer source = ByteBuffer.wrap(bytes, (int) offset, (int) length);
            return new ReadableByteChannel() {
                @Override
                public int read(ByteBuffer into) {
                    if (!source.hasRemaining()) {
                        return -1;
                    }
                    int n = Math.min(into.remaining(), source.remaining());
                    into.put(source.slice(source.position(), n));
                    source.position(source.position() + n);
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }

        private byte[] bytes(String path) {
            return switch (path) {
                case "index.html" -> smallFile;
                case "big.bin" -> bigFile;
                default -> null;
            };
        }
    }
}
