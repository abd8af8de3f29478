package org.bitweb.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A libtorrent seeder on 127.0.0.1 (our {@code interop/lt_seed.py}), for tests where BitWeb
 * downloads from a client that is not BitWeb. It makes the torrent of a folder itself (v1, or
 * hybrid v1+v2 as libtorrent 2 makes by default) or seeds a given torrent. Closing it closes the
 * script's stdin, which stops it; it is killed if it does not stop.
 */
public final class LibtorrentPeer implements AutoCloseable {
    /** How libtorrent makes the torrent of a folder. */
    public enum Kind { V1, HYBRID }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Proc proc;
    private final int port;
    private final String infohash;
    private final Path torrent;

    private LibtorrentPeer(Proc proc, int port, String infohash, Path torrent) {
        this.proc = proc;
        this.port = port;
        this.infohash = infohash;
        this.torrent = torrent;
    }

    /**
     * Seeds {@code folder} (the torrent is named after it) and writes its torrent to
     * {@code torrentOut}; returns once the seeder listens and has the data, or throws with its
     * output after {@code deadline}.
     */
    public static LibtorrentPeer seedFolder(Path folder, Kind kind, Path torrentOut, Path logDir, Duration deadline)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--folder", folder.toString(), "--kind", kind.name().toLowerCase(),
                "--write-torrent", torrentOut.toString()));
        return start(args, torrentOut, logDir, deadline);
    }

    /** Seeds a given torrent whose data is under {@code saveDir/<torrent name>}. */
    public static LibtorrentPeer seedTorrent(Path torrent, Path saveDir, Path logDir, Duration deadline)
            throws IOException, InterruptedException {
        return start(new ArrayList<>(List.of("--torrent", torrent.toString(), "--save", saveDir.toString())),
                torrent, logDir, deadline);
    }

    private static LibtorrentPeer start(List<String> args, Path torrent, Path logDir, Duration deadline)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Tools.PYTHON, Tools.script("lt_seed.py").toString()));
        command.addAll(args);
        Proc proc = Proc.start("lt_seed-" + COUNTER.incrementAndGet(), command, logDir);
        try {
            Optional<String> ready = proc.awaitLine(l -> l.startsWith("ready "), deadline);
            if (ready.isEmpty()) {
                throw new IOException("the libtorrent seeder did not get ready within " + deadline.toSeconds() + "s:\n"
                        + proc.diagnostics());
            }
            String[] parts = ready.get().trim().split(" ");
            if (!Files.isRegularFile(torrent)) {
                throw new IOException("the libtorrent seeder wrote no torrent to " + torrent);
            }
            return new LibtorrentPeer(proc, Integer.parseInt(parts[1]), parts[2], torrent);
        } catch (IOException | RuntimeException | InterruptedException e) {
            proc.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The v1 infohash, 40 lowercase hex digits. */
    public String infohash() {
        return infohash;
    }

    public Path torrent() {
        return torrent;
    }

    public boolean isAlive() {
        return proc.isAlive();
    }

    /** The seeder's output so far, for failure messages. */
    public String diagnostics() {
        return proc.diagnostics();
    }

    @Override
    public void close() {
        proc.close();
    }
}
