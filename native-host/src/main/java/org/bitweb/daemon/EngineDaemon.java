package org.bitweb.daemon;

import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineLock;
import org.bitweb.engine.EngineOptions;
import org.bitweb.site.Publisher;
import org.bitweb.site.SiteStatus;
import org.bitweb.updates.Publishing;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import org.bitweb.address.SiteAddress;
import org.bitweb.address.SiteLink;
import org.bitweb.gateway.SiteSource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bitweb.messaging.ControlServer;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.ErrorCode;
import org.bitweb.json.Json;
import org.bitweb.messaging.Protocol;
import org.bitweb.messaging.ProtocolException;
import org.bitweb.messaging.Request;
import org.bitweb.messaging.Session;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.Settings;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine as a process: holds the engine lock, runs the {@link Engine}, and answers the
 * protocol on the control socket. {@code bitweb serve} runs this in the foreground; the browser's
 * host process starts it in the background when none runs.
 */
public final class EngineDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineDaemon.class);
    public static final String VERSION = "0.1.0";

    private final EngineLock lock;
    private final Engine engine;
    private final ControlServer control;
    private final ExecutorService executor;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Settings settings;
    /** LAN discovery may run (not switched off for this run by --no-lan or BITWEB_LAN=off); the setting decides. */
    private boolean lanAllowed = true;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private EngineDaemon(EngineLock lock, Engine engine, ControlServer control, ExecutorService executor) {
        this.lock = lock;
        this.engine = engine;
        this.control = control;
        this.executor = executor;
        this.settings = Settings.DEFAULTS;
    }

    /**
     * @throws EngineRunningException when another engine holds this state folder
     */
    public static EngineDaemon start(StateDir dir, EngineOptions options) throws IOException {
        return start(dir, options, false);
    }

    /**
     * @param startedForBrowser true when a browser's host process started this engine: it then
     *                          stops a while after the last browser leaves, unless the user chose
     *                          to keep seeding when the browser is closed
     */
    public static EngineDaemon start(StateDir dir, EngineOptions options, boolean startedForBrowser) throws IOException {
        EngineLock lock = EngineLock.tryAcquire(dir).orElseThrow(() -> new EngineRunningException(dir));
        Settings settings = Settings.DEFAULTS;
        try {
            settings = Settings.load(dir);
        } catch (IOException e) {
            log.warn("{}; using the defaults", e.getMessage());
        }
        if (options.socks5Proxy() == null && settings.socks5Proxy() != null) {
            options = options.withSocks5Proxy(org.bitweb.address.SiteLink.peer(settings.socks5Proxy()));
        }
        boolean lanAllowed = options.lanDiscovery();
        options = options.withLanDiscovery(lanAllowed && settings.lanDiscovery());
        Engine engine;
        try {
            engine = Engine.start(dir, options);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        // Requests run here, not on the reading thread, so a long publish never blocks a quick status.
        ExecutorService executor = new ThreadPoolExecutor(2, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "request-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        EngineDaemon[] self = new EngineDaemon[1];
        Dispatcher dispatcher = new Dispatcher();
        ControlServer control = new ControlServer(dir.socket(), dispatcher, executor,
                count -> self[0].clientsChanged(count, startedForBrowser));
        EngineDaemon daemon = new EngineDaemon(lock, engine, control, executor);
        self[0] = daemon;
        daemon.settings = settings;
        daemon.lanAllowed = lanAllowed;
        engine.storageLimit(daemon.settings.storageLimitBytes());
        engine.keySites().oldVersionGrace(daemon.settings.oldVersionGrace());
        daemon.register(dispatcher);
        try {
            daemon.writeInfo();
            control.start();
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        engine.onSiteUpdate(status -> control.broadcast("site.update", status));
        return daemon;
    }

    public Engine engine() {
        return engine;
    }

    /** A host process restarting (a service worker woke up) reconnects within this time. */
    static final long IDLE_GRACE_MS = Long.getLong("bitweb.idleGraceMillis", 10_000);
    private final java.util.concurrent.ScheduledExecutorService idle =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "idle-check");
                t.setDaemon(true);
                return t;
            });
    private java.util.concurrent.ScheduledFuture<?> idleStop;

    private synchronized void clientsChanged(int count, boolean startedForBrowser) {
        log.debug("{} client(s) connected", count);
        if (idleStop != null) {
            idleStop.cancel(false);
            idleStop = null;
        }
        if (count == 0 && startedForBrowser && !settings.keepSeeding()) {
            idleStop = idle.schedule(() -> {
                if (control.sessionCount() == 0 && !settings.keepSeeding()) {
                    log.info("the last browser left and 'keep seeding' is off: stopping");
                    close();
                }
            }, IDLE_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void register(Dispatcher d) {
        d.on("hello", this::hello)
                .on("status", (r, s) -> status())
                .on("sites.list", (r, s) -> Map.of("sites", engine.sites()))
                .on("site.info", this::siteInfo)
                .on("site.publish", this::publish)
                .on("site.fetch", this::fetch)
                .on("site.seed", this::seed)
                .on("site.unseed", this::unseed)
                .on("site.remove", this::remove)
                .on("site.forget", this::remove)
                .on("fetch", this::fetchBytes)
                .on("settings.get", (r, s) -> settings)
                .on("settings.set", this::setSettings)
                .on("folder.pick", this::pickFolder)
                .on("system.proxy", (r, s) -> SystemProxy.read(System.getenv(), SystemProxy::gsettings));
    }

    private Object hello(Request request, Session session) throws ProtocolException {
        long clientProtocol = request.number("protocol", Protocol.VERSION);
        log.info("{}: hello from {} (protocol {})", session.name(), request.body().path("client").asText("?"), clientProtocol);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("protocol", Protocol.VERSION);
        data.put("version", VERSION);
        data.put("gateway", engine.gatewayAddress());
        data.put("gatewayPort", engine.gatewayPort());
        data.put("peerPort", engine.peerPort());
        return data;
    }

    private Map<String, Object> status() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", VERSION);
        data.put("protocol", Protocol.VERSION);
        data.put("gateway", engine.gatewayAddress());
        data.put("gatewayPort", engine.gatewayPort());
        data.put("peerPort", engine.peerPort());
        data.put("lanDiscovery", engine.lanDiscoveryRunning());
        data.put("home", engine.stateDir().root().toString());
        data.put("pid", ProcessHandle.current().pid());
        data.put("clients", control.sessionCount());
        data.put("sites", engine.sites());
        return data;
    }

    private Object siteInfo(Request request, Session session) throws ProtocolException {
        SiteAddress address = parseAddress(request.text("address"));
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return keySite(address);
        }
        return engine.site(address.hex()).orElseThrow(() ->
                new ProtocolException(ErrorCode.NOT_FOUND, "this engine does not know the site " + address));
    }

    private SiteStatus keySite(SiteAddress address) throws ProtocolException {
        return engine.keySites().record(address).map(engine.keySites()::status).orElseThrow(() ->
                new ProtocolException(ErrorCode.NOT_FOUND, "this engine does not know the site " + address));
    }

    private Object seed(Request request, Session session) throws ProtocolException, IOException {
        SiteAddress address = parseAddress(request.text("address"));
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            keySite(address);
            return engine.keySites().seed(address);
        }
        return engine.seed(infohash(request));
    }

    private Object unseed(Request request, Session session) throws ProtocolException, IOException {
        SiteAddress address = parseAddress(request.text("address"));
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            keySite(address);
            return engine.keySites().unseed(address);
        }
        return engine.unseed(infohash(request));
    }

    private Object publish(Request request, Session session) throws ProtocolException {
        String pathText = request.text("path");
        Path folder = Path.of(pathText);
        if (!folder.isAbsolute()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'path' must be an absolute folder path: " + pathText);
        }
        if (!Files.isDirectory(folder)) {
            throw new ProtocolException(ErrorCode.PUBLISH_FAILED, "no such folder: " + folder);
        }
        long[] lastReport = {0};
        Publisher.Progress progress = (done, total) -> {
            long now = System.nanoTime();
            if (done == total || now - lastReport[0] > 200_000_000L) {
                lastReport[0] = now;
                ObjectNode event = Json.object().put("path", folder.toString()).put("done", done).put("total", total);
                session.sendEvent("publish.progress", event);
            }
        };
        String keyName = request.optionalText("key");
        String saltText = request.optionalText("salt");
        if (saltText != null && keyName == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'salt' needs a 'key': only a key site has a salt");
        }
        try {
            if (keyName != null) {
                byte[] salt = salt(saltText);
                try {
                    org.bitweb.keys.KeyRing.checkName(keyName);
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
                }
                Publishing.Published published = engine.keySites().publish(folder, keyName, salt, progress);
                Map<String, Object> data = new LinkedHashMap<>(Json.MAPPER.convertValue(published.site(),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
                data.put("signed", published.newSeq());
                data.put("dhtNodes", published.dhtNodes());
                return data;
            }
            return engine.publish(folder, progress);
        } catch (IOException e) {
            log.warn("publish of {} failed", folder, e);
            throw new ProtocolException(ErrorCode.PUBLISH_FAILED, "could not publish " + folder + ": " + e.getMessage());
        }
    }

    /**
     * Starts or follows the fetch of a site from the swarm. Waits up to {@code wait} ms (at most
     * 30 s) for its file list, and reports where the fetch is.
     */
    private Object fetch(Request request, Session session) throws ProtocolException {
        SiteLink link;
        try {
            link = SiteLink.parse(request.text("url"));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
        List<InetSocketAddress> peers = new ArrayList<>(link.peers());
        JsonNode extra = request.body().path("peers");
        if (!extra.isMissingNode() && !extra.isNull()) {
            if (!extra.isArray()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "'peers' must be a list of \"IP:port\" strings");
            }
            for (JsonNode peer : extra) {
                try {
                    peers.add(SiteLink.peer(peer.asText()));
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
                }
            }
        }
        long waitMs = Math.max(0, Math.min(30_000, request.number("wait", 0)));
        SiteSource.Lookup lookup = engine.fetch(link.site(), peers, Duration.ofMillis(waitMs));
        if (request.body().path("whole").asBoolean(false)) {
            engine.keepWholeSite(link.site());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("address", link.site().label());
        data.put("url", link.site().url());
        if (lookup instanceof SiteSource.Lookup.Unknown unknown) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, unknown.reason());
        }
        if (lookup instanceof SiteSource.Lookup.Loading loading) {
            data.put("ready", false);
            data.put("stage", loading.stage());
            data.put("peers", loading.peers());
            data.put("bytes", loading.bytes());
            return data;
        }
        data.put("ready", true);
        data.put("stage", "ready");
        data.put("completion", engine.completion(link.site()).orElse(0.0));
        engine.torrentInfo(link.site()).ifPresent(info -> {
            List<Map<String, Object>> files = new ArrayList<>();
            for (var file : info.contentFiles()) {
                files.add(Map.of("path", file.joined(), "length", file.length()));
            }
            data.put("name", info.name());
            data.put("files", files);
        });
        return data;
    }

    private String infohash(Request request) throws ProtocolException {
        SiteAddress address = parseAddress(request.text("address"));
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "updatable (key) sites are not supported yet: " + address);
        }
        if (engine.site(address.hex()).isEmpty()) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "this engine does not know the site " + address);
        }
        return address.hex();
    }

    private Object remove(Request request, Session session) throws ProtocolException, IOException {
        SiteAddress address = parseAddress(request.text("address"));
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            keySite(address);
            return Map.of("freed", engine.keySites().remove(address));
        }
        long freed = engine.remove(infohash(request));
        return Map.of("freed", freed);
    }

    /** The most file bytes one {@code fetch} reply carries: base64 makes them 4/3 larger, under the 1 MiB frame. */
    static final int FETCH_CHUNK = 512 * 1024;

    /**
     * Bytes of a site's file over native messaging, in chunks: {@code {url, offset, length}}.
     * For extension pages that cannot use the gateway; the gateway is the fast path.
     */
    private Object fetchBytes(Request request, Session session) throws ProtocolException, IOException {
        SiteLink link;
        try {
            link = SiteLink.parse(request.text("url"));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
        long offset = request.number("offset", 0);
        long length = request.number("length", FETCH_CHUNK);
        if (offset < 0 || length < 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'offset' and 'length' must not be negative");
        }
        org.bitweb.gateway.SitePath path;
        try {
            path = org.bitweb.gateway.SitePath.parse(link.path());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
        long waitMs = Math.max(0, Math.min(30_000, request.number("wait", 10_000)));
        SiteSource.Lookup lookup = engine.fetch(link.site(), link.peers(), Duration.ofMillis(waitMs));
        if (lookup instanceof SiteSource.Lookup.Unknown unknown) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, unknown.reason());
        }
        if (!(lookup instanceof SiteSource.Lookup.Ready ready)) {
            throw new ProtocolException(ErrorCode.NOT_READY, "the site's file list has not arrived yet; try again");
        }
        var view = ready.view();
        String file = path.trailingSlash() ? path.indexFile() : path.relative();
        var entry = view.file(file).orElseThrow(() ->
                new ProtocolException(ErrorCode.NOT_FOUND, "the site has no file at " + link.path()));
        long start = Math.min(offset, entry.length());
        int count = (int) Math.min(Math.min(length, FETCH_CHUNK), entry.length() - start);
        byte[] bytes;
        try (var in = view.open(entry, start, count)) {
            bytes = in.readNBytes(count);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", entry.path());
        data.put("mime", org.bitweb.gateway.ContentTypes.of(entry.path()));
        data.put("total", entry.length());
        data.put("offset", start);
        data.put("length", bytes.length);
        data.put("eof", start + bytes.length >= entry.length());
        data.put("data", java.util.Base64.getEncoder().encodeToString(bytes));
        return data;
    }

    private Object pickFolder(Request request, Session session) throws ProtocolException {
        try {
            FolderPicker.Result result = FolderPicker.pick("Choose the folder to publish",
                    FolderPicker.candidates("Choose the folder to publish"), System.getenv("PATH"));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("cancelled", result.cancelled());
            data.put("path", result.folder().map(Path::toString).orElse(null));
            return data;
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, e.getMessage());
        }
    }

    private Object setSettings(Request request, Session session) throws ProtocolException, IOException {
        Settings next;
        try {
            JsonNode body = request.body();
            boolean keep = body.has("keepSeeding") ? checkedBoolean(body, "keepSeeding") : settings.keepSeeding();
            long limit = body.has("storageLimitBytes") ? request.number("storageLimitBytes", 0) : settings.storageLimitBytes();
            String proxy = body.has("socks5Proxy") ? request.optionalText("socks5Proxy") : settings.socks5Proxy();
            boolean lan = body.has("lanDiscovery") ? checkedBoolean(body, "lanDiscovery") : settings.lanDiscovery();
            long grace = body.has("oldVersionGraceHours") ? request.number("oldVersionGraceHours", 0) : settings.oldVersionGraceHours();
            next = new Settings(keep, limit, proxy, lan, Settings.checkGraceHours(grace));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_SETTING, e.getMessage());
        }
        next.save(engine.stateDir());
        boolean lanChanged = !next.lanDiscovery().equals(settings.lanDiscovery());
        settings = next;
        engine.storageLimit(next.storageLimitBytes());
        if (lanChanged) {
            engine.lanDiscovery(lanAllowed && next.lanDiscovery());
        }
        engine.keySites().oldVersionGrace(next.oldVersionGrace());
        log.info("settings changed: {}", next);
        return next;
    }

    private static boolean checkedBoolean(JsonNode body, String field) throws ProtocolException {
        JsonNode value = body.get(field);
        if (!value.isBoolean()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    /** A salt as the user typed it: its UTF-8 bytes (empty for none); refused if no host name can carry it. */
    static byte[] salt(String text) throws ProtocolException {
        if (text == null || text.isEmpty()) {
            return new byte[0];
        }
        byte[] salt = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            org.bitweb.address.SaltLabel.encode(salt);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, e.getMessage());
        }
        return salt;
    }

    /** A site named the way users paste it: a label, http://<site>.bitweb/..., or a magnet link. */
    static SiteAddress parseAddress(String text) throws ProtocolException {
        try {
            return SiteLink.parse(text).site();
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_ADDRESS, e.getMessage());
        }
    }

    private void writeInfo() throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", ProcessHandle.current().pid());
        info.put("gateway", engine.gatewayAddress());
        info.put("gatewayPort", engine.gatewayPort());
        info.put("peerPort", engine.peerPort());
        info.put("version", VERSION);
        AtomicFiles.write(engine.stateDir().engineInfo(), Json.bytes(info));
    }

    /** Blocks until {@link #close} runs (from a signal's shutdown hook, say). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // a signal and the idle check may both ask
        }
        idle.shutdownNow();
        try {
            control.close();
        } catch (IOException e) {
            log.debug("control close: {}", e.toString());
        }
        executor.shutdownNow();
        engine.close();
        try {
            Files.deleteIfExists(engine.stateDir().engineInfo());
            lock.close();
        } catch (IOException e) {
            log.debug("lock release: {}", e.toString());
        }
        stopped.countDown();
    }

    /** Another engine already owns the state folder. */
    public static final class EngineRunningException extends IOException {
        public EngineRunningException(StateDir dir) {
            super("an engine is already running for " + dir.root() + " (see 'bitweb status'; stop it before starting another)");
        }
    }
}
