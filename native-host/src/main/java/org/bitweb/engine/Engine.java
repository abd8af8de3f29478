package org.bitweb.engine;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import org.bitweb.address.SiteAddress;
import org.bitweb.gateway.Gateway;
import org.bitweb.gateway.SiteView;
import org.bitweb.store.SiteRecord;
import org.bitweb.store.SiteStore;
import org.bitweb.store.StateDir;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The per-user engine: the torrent session (one bt runtime, one client per site), the store and
 * the gateway. Everything the browser, the CLI and {@code bitweb serve} do goes through one
 * instance of this class in one process per user.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final StateDir dir;
    private final SiteStore store;
    private final BtRuntime runtime;
    private final Gateway gateway;
    private final int peerPort;
    private final Map<String, BtClient> clients = new ConcurrentHashMap<>();
    private final Map<String, SiteStats> stats = new ConcurrentHashMap<>();
    private final Map<String, LocalSiteView> views = new ConcurrentHashMap<>();
    private final List<Consumer<SiteStatus>> listeners = new CopyOnWriteArrayList<>();

    private Engine(StateDir dir, SiteStore store, BtRuntime runtime, Gateway gateway, int peerPort) {
        this.dir = dir;
        this.store = store;
        this.runtime = runtime;
        this.gateway = gateway;
        this.peerPort = peerPort;
    }

    /** Starts the engine: gateway first (its port is what users need), then seeding every site in the list. */
    public static Engine start(StateDir dir, EngineOptions options) throws IOException {
        dir.create();
        Publisher.cleanStaging(dir);
        SiteStore store = SiteStore.open(dir);
        int peerPort = options.peerPort() != 0 ? options.peerPort() : freePort(options.peerBind());
        checkPortFree(options.peerBind(), peerPort);

        Config config = new Config();
        config.setAcceptorAddress(options.peerBind());
        config.setAcceptorPort(peerPort);
        BtRuntime runtime = BtRuntime.builder(config)
                .disableLocalServiceDiscovery() // LAN discovery comes with the swarm engine, opt-in for privacy
                .disableAutomaticShutdown()     // sites come and go; the runtime lives as long as the engine
                .build();

        Engine[] self = new Engine[1];
        Gateway gateway = new Gateway(address -> self[0].siteView(address), options.gatewayPort());
        try {
            gateway.start();
        } catch (IOException e) {
            runtime.shutdown();
            throw new IOException("the gateway cannot listen on 127.0.0.1:" + options.gatewayPort()
                    + " (" + e.getMessage() + "); another BitWeb or program may use it: stop it or pass --gateway-port 0", e);
        }
        Engine engine = new Engine(dir, store, runtime, gateway, peerPort);
        self[0] = engine;
        for (SiteRecord site : store.list()) {
            try {
                engine.activate(site);
            } catch (IOException | RuntimeException e) {
                log.error("cannot start site {}: {}", site.infohash(), e.toString());
            }
        }
        log.info("engine up: gateway {}, peer port {}, {} sites", gateway.address(), peerPort, store.list().size());
        return engine;
    }

    public String gatewayAddress() {
        return gateway.address();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int peerPort() {
        return peerPort;
    }

    public StateDir stateDir() {
        return dir;
    }

    /** Publishes a folder and starts seeding it at once. */
    public SiteStatus publish(Path folder, Publisher.Progress progress) throws IOException {
        SiteRecord record = Publisher.publish(dir, store, folder, progress);
        activate(record);
        return status(record);
    }

    public List<SiteStatus> sites() {
        List<SiteStatus> list = new ArrayList<>();
        for (SiteRecord record : store.list()) {
            list.add(status(record));
        }
        return list;
    }

    public Optional<SiteStatus> site(String infohash) {
        return store.get(infohash).map(this::status);
    }

    /** Called with a site's status whenever its torrent session reports. */
    public void onSiteUpdate(Consumer<SiteStatus> listener) {
        listeners.add(listener);
    }

    private SiteStatus status(SiteRecord record) {
        return SiteStatus.of(record, stats.getOrDefault(record.infohash(), SiteStats.NONE), record.published());
    }

    private Optional<SiteView> siteView(SiteAddress address) {
        if (address.kind() != SiteAddress.Kind.INFOHASH) {
            return Optional.empty();
        }
        return Optional.ofNullable(views.get(address.hex()));
    }

    private synchronized void activate(SiteRecord record) throws IOException {
        String ih = record.infohash();
        if (clients.containsKey(ih)) {
            return;
        }
        Path siteDir = dir.site(ih);
        byte[] torrentBytes = Files.readAllBytes(siteDir.resolve(SiteFiles.TORRENT));
        TorrentInfo info = TorrentInfo.parseTorrent(torrentBytes);
        if (!info.infohash().equals(ih)) {
            throw new IOException("site folder " + siteDir + " holds a torrent for " + info.infohash());
        }
        Path data = siteDir.resolve(SiteFiles.DATA);
        views.put(ih, new LocalSiteView(info, data));
        if (!record.seeding()) {
            return;
        }
        Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(torrentBytes);
        BtClient client = Bt.client(runtime)
                .storage(new FileSystemStorage(data))
                .torrent(() -> torrent)
                .build();
        clients.put(ih, client);
        client.startAsync(state -> {
            SiteStats now = new SiteStats(state.getConnectedPeers().size(), state.getUploaded(),
                    state.getDownloaded(), state.getPiecesComplete(), state.getPiecesTotal());
            if (!now.equals(stats.put(ih, now))) {
                SiteStatus status = status(record);
                listeners.forEach(l -> l.accept(status));
            }
        }, 1000);
        log.info("seeding {} ({}, {} bytes)", ih, record.name(), record.size());
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } catch (Exception e) {
            log.warn("gateway did not close cleanly: {}", e.toString());
        }
        clients.values().forEach(c -> {
            try {
                c.stop();
            } catch (RuntimeException e) {
                log.debug("client stop: {}", e.toString());
            }
        });
        runtime.shutdown();
        log.info("engine stopped");
    }

    static int freePort(InetAddress bind) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(bind, 0));
            return socket.getLocalPort();
        }
    }

    private static void checkPortFree(InetAddress bind, int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw new IOException("the BitTorrent port " + port + " is taken (" + e.getMessage()
                    + "); stop the program using it or pass --peer-port 0", e);
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
