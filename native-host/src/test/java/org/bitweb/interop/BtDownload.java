package org.bitweb.interop;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.module.ServiceModule;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain bt 1.10 client (no BitWeb engine) that downloads a torrent from known peers on
 * loopback: the proof that a torrent seeded by another client is readable by the library BitWeb
 * is built on, and the bt side of the benchmark. Local service discovery is off and the acceptor
 * is bound to 127.0.0.1, so nothing leaves the machine.
 */
public final class BtDownload {
    /**
     * A finished download: seconds from start to the last verified piece, and to the first one
     * (connection and handshake included; sampled every 100 ms).
     */
    public record Result(double seconds, double firstPieceSeconds, long bytes, int pieces) {
        public double megabytesPerSecond() {
            return bytes / 1e6 / Math.max(seconds, 1e-6);
        }
    }

    private BtDownload() {
    }

    /** bt's defaults, only pinned to loopback. */
    public static Config defaultConfig() throws IOException {
        Config config = new Config();
        config.setAcceptorAddress(InetAddress.getLoopbackAddress());
        config.setAcceptorPort(freePort());
        return config;
    }

    /**
     * Downloads {@code torrentFile} into {@code saveDir/<name>/...} from {@code peers}.
     *
     * @throws TimeoutException with the progress reached when not complete within {@code timeout}
     */
    public static Result run(Config config, Path torrentFile, Path saveDir, List<InetSocketAddress> peers, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        PeerSourceFactory fixed = fixedPeers(peers);
        BtRuntime runtime = BtRuntime.builder(config)
                .module(binder -> ServiceModule.extend(binder).addPeerSourceFactory(fixed))
                .disableLocalServiceDiscovery()
                .disableAutomaticShutdown()
                .build();
        try {
            byte[] bytes = Files.readAllBytes(torrentFile);
            Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(bytes);
            Files.createDirectories(saveDir);
            BtClient client = Bt.client(runtime)
                    .storage(new FileSystemStorage(saveDir))
                    .torrent(() -> torrent)
                    .stopWhenDownloaded()
                    .build();
            AtomicReference<int[]> progress = new AtomicReference<>(new int[]{0, 0});
            long start = System.nanoTime();
            java.util.concurrent.atomic.AtomicLong firstPiece = new java.util.concurrent.atomic.AtomicLong();
            try {
                client.startAsync(state -> {
                    progress.set(new int[]{state.getPiecesComplete(), state.getPiecesTotal()});
                    if (state.getPiecesComplete() > 0) {
                        firstPiece.compareAndSet(0, System.nanoTime());
                    }
                }, 100)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                int[] p = progress.get();
                client.stop();
                throw new TimeoutException("bt did not finish within " + timeout.toSeconds() + "s: " + p[0] + "/" + p[1] + " pieces");
            } catch (ExecutionException e) {
                throw new IOException("bt client failed: " + e.getCause(), e.getCause());
            }
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            double first = ((firstPiece.get() == 0 ? end : firstPiece.get()) - start) / 1e9;
            int pieces = 0;
            for (byte[] ignored : torrent.getChunkHashes()) {
                pieces++;
            }
            return new Result(seconds, first, torrent.getSize(), pieces);
        } finally {
            runtime.shutdown();
        }
    }

    /** A peer source that always offers {@code peers}. */
    public static PeerSourceFactory fixedPeers(List<InetSocketAddress> peers) {
        List<Peer> known = new ArrayList<>();
        for (InetSocketAddress peer : peers) {
            known.add(InetPeer.build(peer.getAddress(), peer.getPort()));
        }
        return (TorrentId id) -> new PeerSource() {
            @Override
            public boolean update() {
                return true;
            }

            @Override
            public Collection<Peer> getPeers() {
                return new ArrayList<>(known); // bt 1.10 modifies the collection it gets
            }
        };
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
