package org.bitweb.daemon;

import org.bitweb.Version;
import org.bitweb.address.SiteLink;
import org.bitweb.engine.Engine;
import org.bitweb.engine.EngineLock;
import org.bitweb.engine.EngineOptions;
import org.bitweb.json.Json;
import org.bitweb.log.Threads;
import org.bitweb.messaging.ControlServer;
import org.bitweb.messaging.Dispatcher;
import org.bitweb.messaging.RequestPools;
import org.bitweb.service.Service;
import org.bitweb.store.AtomicFiles;
import org.bitweb.store.Settings;
import org.bitweb.store.StateDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine as a process: holds the engine lock, runs the {@link Engine}, and answers the
 * protocol on the control socket through one handler per protocol area ({@link SystemHandler},
 * {@link SitesHandler}, {@link PublishHandler}, {@link FetchHandler}, {@link SettingsHandler}).
 * {@code bitweb serve} runs this in the foreground; the browser's host process starts it in the
 * background when none runs, and then it stops a while after the last browser leaves.
 */
public final class EngineDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineDaemon.class);
    /** A host process restarting (a service worker woke up) reconnects within this time. */
    static final long IDLE_GRACE_MS = Long.getLong("bitweb.idleGraceMillis", 10_000);

    private final EngineLock lock;
    private final Engine engine;
    private final boolean startedForBrowser;
    private final SettingsHandler settings;
    private final RequestPools pools;
    private final ControlServer control;
    private final Set<String> actions;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ScheduledExecutorService idle = Threads.scheduler("idle-check", 1);
    private ScheduledFuture<?> idleStop;

    private EngineDaemon(StateDir dir, EngineLock lock, Engine engine, Settings settings, boolean lanAllowed,
                         boolean startedForBrowser) {
        this.lock = lock;
        this.engine = engine;
        this.startedForBrowser = startedForBrowser;
        this.settings = new SettingsHandler(engine, settings, lanAllowed);
        this.pools = RequestPools.start();
        Dispatcher dispatcher = new Dispatcher();
        new SystemHandler(engine, this::clientCount).register(dispatcher);
        new ServiceHandler(engine, this::close, startedBy(startedForBrowser, System.getenv()),
                Service.forThisUser(System.getenv())).register(dispatcher);
        new SitesHandler(engine).register(dispatcher);
        new PublishHandler(engine).register(dispatcher);
        new FetchHandler(engine).register(dispatcher);
        new CommentsHandler(engine).register(dispatcher);
        this.settings.register(dispatcher);
        this.actions = Set.copyOf(dispatcher.actions());
        this.control = new ControlServer(dir.socket(), dispatcher, pools, this::clientsChanged);
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
            options = options.withSocks5Proxy(SiteLink.peer(settings.socks5Proxy()));
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
        EngineDaemon daemon = new EngineDaemon(dir, lock, engine, settings, lanAllowed, startedForBrowser);
        try {
            daemon.settings.applyToEngine();
            // the socket first: a browser's bridge waits for it (the first page of a visit that
            // starts the engine), while engine.json is forced to disk; so engine.json also means
            // the socket answers
            daemon.control.start();
            daemon.writeInfo();
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        engine.onSiteUpdate(status -> daemon.control.broadcast("site.update", status));
        engine.comments().onSiteChanged(site -> daemon.control.broadcast("comments.changed", Map.of("site", site.label())));
        return daemon;
    }

    public Engine engine() {
        return engine;
    }

    /** The settings in force. */
    public org.bitweb.store.Settings settings() {
        return settings.current();
    }

    /** Sets the rate limits for all sites at once and saves them as the setting, as settings.set would. */
    public void rateLimits(org.bitweb.store.RateLimits limits) throws IOException {
        settings.rateLimits(limits);
    }

    private int clientCount() {
        return control.sessionCount();
    }

    private synchronized void clientsChanged(int count) {
        log.debug("{} client(s) connected", count);
        if (idleStop != null) {
            idleStop.cancel(false);
            idleStop = null;
        }
        if (count == 0 && startedForBrowser && !settings.current().keepSeeding()) {
            idleStop = idle.schedule(() -> {
                if (control.sessionCount() == 0 && !settings.current().keepSeeding()) {
                    log.info("the last browser left and 'keep seeding' is off: stopping");
                    close();
                }
            }, IDLE_GRACE_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void writeInfo() throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", ProcessHandle.current().pid());
        info.put("gateway", engine.gatewayAddress());
        info.put("gatewayPort", engine.gatewayPort());
        info.put("peerPort", engine.peerPort());
        info.put("version", Version.CURRENT);
        AtomicFiles.write(engine.stateDir().engineInfo(), Json.bytes(info));
    }

    /** How this engine was started: by a service manager (its definition sets BITWEB_SERVICE), a browser, or by hand. */
    static String startedBy(boolean startedForBrowser, Map<String, String> env) {
        String service = env.get("BITWEB_SERVICE");
        if (service != null && service.matches("[a-z]{1,16}")) {
            return service;
        }
        return startedForBrowser ? "browser" : "command line";
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
        pools.close();
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

    /** The protocol's actions this engine answers (docs/PROTOCOL.md must describe each). */
    Set<String> actions() {
        return actions;
    }
}
