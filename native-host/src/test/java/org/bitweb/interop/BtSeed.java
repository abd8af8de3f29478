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
