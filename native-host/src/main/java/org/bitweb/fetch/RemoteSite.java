package org.bitweb.fetch;

import org.bitweb.bt.Bandwidth;
import org.bitweb.site.FastResume;
import org.bitweb.site.SafeStorage;
import org.bitweb.site.SiteFiles;
import org.bitweb.site.SiteStats;
import org.bitweb.site.VersionReuse;
import bt.Bt;
import bt.data.Bitfield;
import bt.magnet.MagnetUri;
import bt.metainfo.IMetadataService;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.InetPeerAddress;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import org.bitweb.gateway.SiteView;
import org.bitweb.store.AtomicFiles;
import org.bitweb.torrent.DataLayout;
import org.bitweb.torrent.FileIndex;
import org.bitweb.torrent.TorrentInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A site fetched from the swarm on demand: metadata by BEP 9 when only the infohash is known, then
 * the pieces of whatever the gateway asks for, first. Readers block until the pieces under their
 * bytes are verified, and give up with an IOException when no piece arrives for a while.
 */
public final class RemoteSite implements SiteView {
    private static final Logger log = LoggerFactory.getLogger(RemoteSite.class);

    /** Where the fetch is, for the loading page and the popup. */
    public enum Stage { FINDING_PEERS, FETCHING_METADATA, READY, FAILED }

    private final String infohash;
    private final TorrentId torrentId;
    private final Path siteDir;
    private final BtRuntime runtime;
    private final PiecePicker picker;
    private final Duration stallTimeout;
    private final Object signal = new Object();
    private volatile TorrentInfo info;
    private volatile String failure;
    private volatile boolean refused;
    private volatile long lastUsed = System.currentTimeMillis();
    private final java.util.concurrent.atomic.AtomicInteger waiters = new java.util.concurrent.atomic.AtomicInteger();
    private volatile FileIndex files = FileIndex.EMPTY;
    private BtClient client;

    private final FastResume resume;
    private final TorrentRegistry torrents;
    private final Bandwidth bandwidth;
    /** This fetch's byte counts in {@link #bandwidth}, while its client runs. */
    private Bandwidth.SiteBytes counted;

    public RemoteSite(String infohash, Path siteDir, BtRuntime runtime, FastResume resume, boolean wholeSite,
               Duration stallTimeout) {
        this.resume = resume;
        this.infohash = infohash;
        this.torrentId = TorrentId.fromBytes(org.bitweb.address.Hex.decode(infohash));
        this.siteDir = siteDir;
        this.runtime = runtime;
        this.torrents = runtime.service(TorrentRegistry.class);
        this.bandwidth = runtime.service(Bandwidth.class);
        this.picker = new PiecePicker(wholeSite);
        this.stallTimeout = stallTimeout;
    }

    public TorrentId torrentId() {
        return torrentId;
    }

    public PiecePicker picker() {
        return picker;
    }

    /**
     * Starts fetching: from the stored torrent when this site was visited before, else from a
     * magnet link, with {@code peers} as the first peers to ask for metadata.
     *
     * @param onMetadata told once the site's file list is known and stored
     */
    public synchronized void start(List<InetSocketAddress> peers, Consumer<TorrentInfo> onMetadata) throws IOException {
        start(peers, info -> Optional.empty(), onMetadata);
    }

    /**
     * @param refusal says why a site whose file list just arrived cannot be kept here (too big for
     *                the storage limit), before anything is written or downloaded
     */
    public synchronized void start(List<InetSocketAddress> peers, Function<TorrentInfo, Optional<String>> refusal,
                                   Consumer<TorrentInfo> onMetadata) throws IOException {
        // the site's folder is made when its file list arrives: a lookup that finds nothing leaves nothing
        Path torrentFile = siteDir.resolve(SiteFiles.TORRENT);
        SafeStorage storage = new SafeStorage(siteDir.resolve(SiteFiles.DATA), infohash);
        var builder = Bt.client(runtime)
                .storage(storage)
                .selector(picker);
        if (Files.exists(torrentFile)) {
            byte[] bytes = Files.readAllBytes(torrentFile);
            TorrentInfo parsed = TorrentInfo.parseTorrent(bytes);
            storage.withInfo(parsed);
            resume.offer(infohash, siteDir, parsed);
            ready(parsed);
            Torrent torrent = runtime.service(IMetadataService.class).fromByteArray(bytes);
            builder.torrent(() -> torrent);
        } else {
            MagnetUri.Builder magnet = MagnetUri.torrentId(torrentId);
            for (InetSocketAddress peer : peers) {
                magnet.peer(new InetPeerAddress(peer.getAddress().getHostAddress(), peer.getPort()));
            }
            builder.magnet(magnet.buildUri()).afterTorrentFetched(torrent -> {
                try {
                    byte[] raw = torrent.getSource().getExchangedMetadata();
                    TorrentInfo parsed = TorrentInfo.parseInfo(raw);
                    if (!parsed.infohash().equals(infohash)) {
                        throw new IllegalArgumentException("metadata hashes to " + parsed.infohash());
                    }
                    Optional<String> refused = refusal.apply(parsed);
                    if (refused.isPresent()) {
                        this.refused = true;
                        fail(refused.get());
                        throw new IllegalStateException(refused.get()); // stops bt's processing of this torrent
                    }
                    storage.withInfo(parsed);
                    Files.createDirectories(siteDir);
                    if (!promptFirstPage) {
                        AtomicFiles.write(torrentFile, torrentFileBytes(raw));
                    }
                    reuseOlderVersions(parsed); // before bt checks the data, so it stays here
                    if (promptFirstPage) {
                        wantEarlyPaths(parsed);
                        // bt sets the torrent up and asks for the first page meanwhile: what is
                        // written here is not on the way to the first block
                        RECORDING.execute(() -> record(parsed, raw, torrentFile, onMetadata));
                    } else {
                        onMetadata.accept(parsed); // recorded before anyone is told the site is ready
                        ready(parsed);
                    }
                } catch (IOException | RuntimeException e) {
                    if (!this.refused) {
                        fail("the site's metadata was refused: " + e.getMessage());
                    }
                    throw new IllegalStateException(e.getMessage(), e); // stops bt's processing of this torrent
                }
            });
        }
        runtime.getEventSource().onPieceVerified(torrentId, event -> {
            picker.arrived(event.getPieceIndex());
            synchronized (signal) {
                signal.notifyAll();
            }
        });
        client = builder.build();
        counted = bandwidth.count(torrentId); // before any block can come
        try {
            client.startAsync().whenComplete((result, error) -> {
                if (error != null) {
                    fail(error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
                }
            });
        } catch (RuntimeException e) {
            bandwidth.forget(torrentId, counted);
            throw e;
        }
    }

    /**
     * Whether the first page's pieces are wanted the moment the file list verifies and the file
     * list is written meanwhile (issue 16); {@code -Dbitweb.fetch.promptFirstPage=false} turns it
     * off (bench/run.sh latency measures both), read as the fetch starts.
     */
    private final boolean promptFirstPage = !"false".equals(System.getProperty("bitweb.fetch.promptFirstPage"));
    /** Writes file lists and visit records off bt's set-up; idle, it has no thread. */
    private static final java.util.concurrent.ExecutorService RECORDING =
            org.bitweb.log.Threads.pool("site-record", 2, 2, Duration.ofSeconds(10));
    /** Most paths remembered from before the file list came (a page and a few of its resources). */
    private static final int EARLY_PATHS = 8;
    /** Of each such path, at most this much is wanted before a reader asks (a video may be asked for from its middle). */
    private static final long EARLY_BYTES = 1 << 20;
    /** Paths asked for before the file list came, in order: wanted the moment it verifies. */
    private final Set<String> early = new LinkedHashSet<>();

    /**
     * Asks for {@code path} (as the site names it) as soon as the file list is here, before the
     * gateway's reader wakes up to ask for it: the first page's blocks are requested as bt starts
     * the torrent, not after the file list and the visit were written.
     */
    public void wantOnArrival(String path) {
        synchronized (early) {
            if (info == null && early.size() < EARLY_PATHS) {
                early.add(path);
            }
        }
    }

    private void wantEarlyPaths(TorrentInfo parsed) {
        FileIndex index = FileIndex.of(parsed);
        BitSet pieces = new BitSet();
        synchronized (early) {
            for (String path : early) {
                TorrentInfo.TorrentFile f = index.file(path);
                if (f != null && f.length() > 0) {
                    // a page, or the start of a big file: where a reader asks for a range, its own want follows
                    long end = f.offset() + Math.min(f.length(), EARLY_BYTES);
                    pieces.set((int) (f.offset() / parsed.pieceLength()), (int) ((end - 1) / parsed.pieceLength()) + 1);
                }
            }
            early.clear();
        }
        VersionReuse.Reused taken = reused;
        if (taken != null) {
            pieces.andNot(taken.pieces()); // here already: bt's verified event never comes for them
        }
        if (!pieces.isEmpty()) {
            picker.want(pieces);
        }
    }

    /** Writes the file list and the visit, then tells the readers: recorded before anyone is told. */
    private void record(TorrentInfo parsed, byte[] raw, Path torrentFile, Consumer<TorrentInfo> onMetadata) {
        try {
            AtomicFiles.write(torrentFile, torrentFileBytes(raw));
            onMetadata.accept(parsed);
            ready(parsed);
        } catch (IOException | RuntimeException e) {
            fail("the site's file list could not be kept: " + e.getMessage());
        }
    }

    private volatile Function<TorrentInfo, List<VersionReuse.Donor>> donors = info -> List.of();
    private volatile VersionReuse.Reused reused;

    /** Where to look for files of this site that an older version already brought (before {@link #start}). */
    public void reuseFrom(Function<TorrentInfo, List<VersionReuse.Donor>> donors) {
        this.donors = donors;
    }

    /** What an older version gave this one, if anything. */
    Optional<VersionReuse.Reused> reused() {
        return Optional.ofNullable(reused);
    }

    private boolean nothingOnDisk() {
        Path data = siteDir.resolve(SiteFiles.DATA);
        if (!Files.isDirectory(data)) {
            return true;
        }
        try (var files = Files.walk(data)) {
            return files.noneMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false; // look at it the usual way
        }
    }

    /** Runs before bt checks the data: files copied here count as verified without a second hashing. */
    private void reuseOlderVersions(TorrentInfo parsed) {
        List<VersionReuse.Donor> older = donors.apply(parsed);
        if (older.isEmpty()) {
            if (nothingOnDisk()) {
                resume.offerNothing(infohash);
            }
            return;
        }
        VersionReuse.Reused taken = VersionReuse.fill(parsed, siteDir.resolve(SiteFiles.DATA), older);
        reused = taken;
        if (taken.files() > 0) {
            resume.offerPieces(infohash, taken.pieces());
            log.info("took {} unchanged files ({} bytes) of an updated site from its older version", taken.files(), taken.bytes());
        }
    }

    /**
     * The peers connected for this site now, read from bt's session (a periodic report lagged: an
     * update learned right after the page was read found no peers to ask and waited for the DHT).
     */
    public List<InetSocketAddress> connectedPeers() {
        return torrents.getDescriptor(torrentId)
                .flatMap(TorrentDescriptor::getSessionState)
                .map(state -> state.getConnectedPeers().stream()
                        .map(key -> new InetSocketAddress(key.getPeer().getInetAddress(), key.getRemotePort())).toList())
                .orElse(List.of());
    }

    /** {"info": raw} : a torrent file around metadata that came from peers, byte for byte. */
    private static byte[] torrentFileBytes(byte[] rawInfo) {
        byte[] prefix = "d4:info".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + rawInfo.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(rawInfo, 0, out, prefix.length, rawInfo.length);
        out[out.length - 1] = 'e'; // well-formed: raw is one value that TorrentInfo decoded already
        return out;
    }

    private void ready(TorrentInfo parsed) {
        files = FileIndex.of(parsed);
        info = parsed;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void fail(String reason) {
        log.warn("fetching a site failed: {}", reason);
        log.debug("... the site was {}", infohash);
        failure = reason;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    public Stage stage() {
        if (failure != null) {
            return Stage.FAILED;
        }
        if (info != null) {
            return Stage.READY;
        }
        return stats().peers() == 0 ? Stage.FINDING_PEERS : Stage.FETCHING_METADATA;
    }

    public String failure() {
        return failure;
    }

    /** Whether the site was refused for what it is (too big to keep here), not for a failure a reload may cure. */
    public boolean refused() {
        return refused;
    }

    public SiteStats stats() {
        return SiteStats.of(torrents, bandwidth, torrentId);
    }

    public Optional<TorrentInfo> info() {
        return Optional.ofNullable(info);
    }

    public long lastUsed() {
        return lastUsed;
    }

    public void keepWholeSite(boolean keep) {
        picker.wholeSite(keep);
    }

    /** Whether every piece is wanted, not only what readers ask for ("keep this site", bitweb get). */
    public boolean keepsWholeSite() {
        return picker.wholeSite();
    }

    /** Waits until the file list is known, the fetch failed, or {@code wait} passes. */
    public boolean awaitMetadata(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        waiters.incrementAndGet();
        try {
            synchronized (signal) {
                while (info == null && failure == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    signal.wait(Math.max(1, left / 1_000_000));
                }
            }
            return info != null;
        } finally {
            waiters.decrementAndGet();
        }
    }

    /** Whether someone waits for the file list right now (a long {@code site.fetch}, say). */
    public boolean awaited() {
        return waiters.get() > 0;
    }

    /** bt's bitfield of verified pieces, once bt has checked the data. */
    private Optional<Bitfield> bitfield() {
        Optional<TorrentDescriptor> descriptor = torrents.getDescriptor(torrentId);
        if (descriptor.isEmpty() || descriptor.get().getDataDescriptor() == null) {
            return Optional.empty();
        }
        return Optional.of(descriptor.get().getDataDescriptor().getBitfield());
    }

    boolean isVerified(int piece) {
        return bitfield().map(b -> b.isVerified(piece)).orElse(false);
    }

    /** Verified pieces as one copy of bt's bitfield (empty before bt checked the data). */
    public BitSet verifiedPieces() {
        return bitfield().map(Bitfield::getBitmask).orElseGet(BitSet::new);
    }

    boolean isComplete() {
        TorrentInfo current = info;
        return current != null && verifiedPieces().cardinality() == current.pieceCount();
    }

    @Override
    public String version() {
        return infohash;
    }

    @Override
    public Optional<FileEntry> file(String path) {
        lastUsed = System.currentTimeMillis();
        TorrentInfo.TorrentFile f = files.file(path);
        return f == null ? Optional.empty() : Optional.of(new FileEntry(path, f.length()));
    }

    @Override
    public boolean isDirectory(String path) {
        return files.isDirectory(path);
    }

    @Override
    public InputStream open(FileEntry entry, long offset, long length) throws IOException {
        TorrentInfo current = info;
        TorrentInfo.TorrentFile f = files.file(entry.path());
        if (current == null || f == null) {
            throw new IOException("not in site " + infohash + ": " + entry.path());
        }
        if (offset < 0 || length < 0 || offset + length > f.length()) {
            throw new IOException("range " + offset + "+" + length + " outside " + entry.path());
        }
        if (length > 0) {
            int first = (int) ((f.offset() + offset) / current.pieceLength());
            int last = (int) ((f.offset() + offset + length - 1) / current.pieceLength());
            // pieces already here (earlier reads, fast resume, an older version) are not wanted:
            // bt's verified event, which takes a piece off the list, never comes for them
            BitSet missing = new BitSet();
            missing.set(first, last + 1);
            missing.andNot(verifiedPieces());
            picker.want(missing);
        }
        return new PieceStream(current, f, DataLayout.path(siteDir.resolve(SiteFiles.DATA), current, f), offset, length);
    }

    /** Reads a file's bytes as their pieces verify. */
    private final class PieceStream extends InputStream {
        private final TorrentInfo torrent;
        private final TorrentInfo.TorrentFile file;
        private final Path disk;
        private long position;
        private final long end;
        private RandomAccessFile raf;

        PieceStream(TorrentInfo torrent, TorrentInfo.TorrentFile file, Path disk, long offset, long length) {
            this.torrent = torrent;
            this.file = file;
            this.disk = disk;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (position >= end) {
                return -1;
            }
            long global = file.offset() + position;
            int piece = (int) (global / torrent.pieceLength());
            awaitPiece(piece);
            long pieceEnd = (long) (piece + 1) * torrent.pieceLength() - file.offset();
            int n = (int) Math.min(len, Math.min(end, pieceEnd) - position);
            if (raf == null) {
                raf = new RandomAccessFile(disk.toFile(), "r");
            }
            raf.seek(position);
            int got = raf.read(buffer, off, n);
            if (got < 0) {
                throw new IOException(file.joined() + " is shorter on disk than its verified pieces");
            }
            position += got;
            lastUsed = System.currentTimeMillis();
            return got;
        }

        private void awaitPiece(int piece) throws IOException {
            long deadline = System.nanoTime() + stallTimeout.toNanos();
            synchronized (signal) {
                while (!isVerified(piece)) {
                    if (failure != null) {
                        throw new IOException(failure);
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("no peer sent piece " + piece + " within "
                                + stallTimeout.toSeconds() + " s");
                    }
                    try {
                        // woken by each verified piece; the cap re-reads bt's bitfield in case an event was missed
                        signal.wait(Math.min(250, Math.max(1, left / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for piece " + piece);
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (raf != null) {
                raf.close();
            }
        }
    }

    /** Stops fetching and records which pieces are here, so the next start need not hash them. */
    public synchronized void stop() {
        // which pieces are verified is read before bt lets go of the torrent; the files' sizes
        // and times after, once nothing writes to them any more
        TorrentInfo current = info;
        BitSet verified = current != null ? verifiedPieces() : new BitSet();
        if (client != null) {
            try {
                client.stop();
            } catch (RuntimeException e) {
                log.debug("stop {}: {}", infohash, e.toString());
            }
        }
        bandwidth.forget(torrentId, counted);
        if (current != null) {
            try {
                FastResume.save(siteDir, current, verified);
            } catch (IOException e) {
                log.warn("cannot record a visited site's pieces: {}", e.toString());
            }
        }
    }
}
