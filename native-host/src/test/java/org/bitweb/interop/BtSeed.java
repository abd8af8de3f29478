package org.bitweb.interop;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.module.ServiceModule;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A plain bt 1.10 seeder (no BitWeb engine) of a torrent whose data is already complete under
 * {@code dataRoot/<name>/}: for comparing bt settings on the seeding side, which the engine does
 * not expose, and for seeding to a client that only accepts peers that connect to it. Loopback
 * only, local service discovery off.
 */
public final class BtSeed implements AutoCloseable {
    private final BtRuntime runtime;
    private final BtClient client;
    private final int port;

    private BtSeed(BtRuntime runtime, BtClient client, int port) {
        this.runtime = runtime;
        this.client = client;
        this.port = port;
    }

    /**
     * bt 1.10 knows nothing of BEP 47: it reads a torrent's pad files from disk like any file, while
     * BitWeb keeps them off the disk. Zeros written where bt looks let plain bt seed BitWeb's data.
     */
    static void writePadFiles(Path torrentFile, Path dataRoot) throws IOException {
        org.bitweb.torrent.TorrentInfo info = org.bitweb.torrent.TorrentInfo.parseTorrent(Files.readAllBytes(torrentFile));
        for (org.bitweb.torrent.TorrentInfo.TorrentFile file : info.files()) {
            Path path = org.bitweb.torrent.DataLayout.path(dataRoot, info, file);
            if (file.pad() && !Files.exists(path)) {
                Files.createDirectories(path.getParent());
                Files.write(path, new byte[(int) file.length()]);
            }
        }
    }

    /** {@code config} must have its acceptor address and port set (see {@link BtDownload#defaultConfig()}). */
    public static BtSeed start(Config config, Path torrentFile, Path dataRoot) throws IOException {
        return start(config, torrentFile, dataRoot, List.of());
    }

    /** As {@link #start(Config, Path, Path)}, and connects to {@code peers} (bt retries them on its own). */
    public static BtSeed start(Config config, Path torrentFile, Path dataRoot, List<InetSocketAddress> peers) throws IOException {
        BtRuntime runtime = BtRuntime.builder(config)
                .module(binder -> ServiceModule.extend(binder).addPeerSourceFactory(BtDownload.fixedPeers(peers)))
                .disableLocalServiceDiscovery()
                .disableAutomaticShutdown()
                .build();
        try {
            writePadFiles(torrentFile, dataRoot);
            Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(Files.readAllBytes(torrentFile));
            BtClient client = Bt.client(runtime)
                    .storage(new FileSystemStorage(dataRoot))
                    .torrent(() -> torrent)
                    .build();
            client.startAsync();
            return new BtSeed(runtime, client, config.getAcceptorPort());
        } catch (IOException | RuntimeException e) {
            runtime.shutdown();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } finally {
            runtime.shutdown();
        }
    }
}
