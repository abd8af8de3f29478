package org.bitweb.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs {@code interop/lt_download.py}: libtorrent downloads a torrent from given peers on loopback. */
public final class LibtorrentDownload {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** How libtorrent handles the encryption handshake (MSE/PE) of its outgoing connections. */
    public enum Encryption {
        /** libtorrent's default: tries an encrypted handshake, falls back to plaintext */
        ENABLED,
        /** plain BitTorrent handshake only */
        DISABLED,
        /** encrypted handshake and RC4 only */
        FORCED
    }

    /**
     * A finished run: exit code; when it succeeded, seconds from the first connection attempt to
     * the last piece, MB/s, and how many connections that took (1 unless some were dropped).
     */
    public record Result(int exit, double seconds, double megabytesPerSecond, int connections, String diagnostics) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private LibtorrentDownload() {
    }

    public static Result run(Path torrent, Path saveDir, List<InetSocketAddress> peers, Duration timeout, Path logDir)
            throws IOException, InterruptedException {
        return run(torrent, saveDir, peers, Encryption.ENABLED, timeout, logDir);
    }

    public static Result run(Path torrent, Path saveDir, List<InetSocketAddress> peers, Encryption encryption,
                             Duration timeout, Path logDir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Tools.PYTHON, Tools.script("lt_download.py").toString(),
                "--torrent", torrent.toString(), "--save", saveDir.toString(),
                "--encryption", encryption.name().toLowerCase(),
                "--timeout", Long.toString(timeout.toSeconds())));
        for (InetSocketAddress peer : peers) {
            command.add("--peer");
            command.add(peer.getHostString() + ":" + peer.getPort());
        }
        try (Proc proc = Proc.start("lt_download-" + COUNTER.incrementAndGet(), command, logDir)) {
            Optional<Integer> exit = proc.waitFor(timeout.plusSeconds(20));
            if (exit.isEmpty()) {
                return new Result(-1, 0, 0, 0, "lt_download.py did not exit\n" + proc.diagnostics());
            }
            Optional<String> done = proc.stdout().lines().filter(l -> l.startsWith("done ")).reduce((a, b) -> b);
            double seconds = 0;
            double rate = 0;
            int connections = 0;
            if (done.isPresent()) {
                String[] parts = done.get().trim().split(" ");
                seconds = Double.parseDouble(parts[2]);
                rate = Double.parseDouble(parts[3]);
                connections = Integer.parseInt(parts[4]);
            }
            return new Result(exit.get(), seconds, rate, connections, proc.diagnostics());
        }
    }
}
